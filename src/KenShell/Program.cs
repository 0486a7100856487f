using KenShell.Cli;

// Everything after the script file belongs to the script (process.argv), as
// with `node FILE.js ARGS...`: it is kept from the option parser.
string[] own = ShellCommand.SplitScriptArguments(args, out string[] scriptArgs);
return ShellCommand.Build(scriptArgs).Parse(own).Invoke();
