using KenShell.Bench;

// "udp-echo-server": the plain-UDP echo side, started by this program itself
// so that the baseline runs between two processes, as two shells do.
if (args is ["udp-echo-server"]) return UdpEcho.ServeStandalone();
return BenchCommand.Build().Parse(args).Invoke();
