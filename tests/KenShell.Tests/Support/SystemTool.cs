using System.Diagnostics;

namespace KenShell.Tests.Support;

/// <summary>Runs a system tool (mount, umount) for a test; its output is not wanted, its exit code is.</summary>
public static class SystemTool
{
    public static int Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        p.WaitForExit();
        return p.ExitCode;
    }
}
