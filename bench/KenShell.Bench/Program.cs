using KenShell.Bench;

return BenchCommand.Build().Parse(args).Invoke();
