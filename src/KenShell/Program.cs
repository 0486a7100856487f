using KenShell.Cli;

return ShellCommand.Build().Parse(args).Invoke();
