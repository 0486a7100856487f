using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Modules;

/// <summary>
/// A program run as `kenshell ADDR FILE.js` from another working directory:
/// its requires resolve from its own folder, as `node FILE.js` does (the
/// expected lines were recorded with `node app/main.js` in the same tree).
/// </summary>
public sealed class ProgramModuleTests : IDisposable
{
    private readonly ModuleProject _project = new();

    public ProgramModuleTests()
    {
        _project.Write("app/main.js",
            "const lib = require('./lib');\n" +
            "console.log(lib.name, require('./sub/data.json').n, require.main === module);\n" +
            "setTimeout(() => console.log('later', require('./lib') === lib), 50);\n" +
            "import('./sub/e.mjs').then((m) => console.log('import', m.v));\n");
        _project.Write("app/lib.js", "exports.name = 'lib in app';\n");
        _project.Write("app/sub/data.json", "{\"n\": 7}\n");
        _project.Write("app/sub/e.mjs", "export const v = 'e in sub';\n");
        // The same name in the working directory: not the one a program finds.
        _project.Write("lib.js", "exports.name = 'lib in cwd';\n");
    }

    [Fact]
    public void RequireAndImportInAProgramResolveFromItsOwnFolder()
    {
        using (Kenshell shell = _project.Start("--wait", "app/main.js"))
        {
            KenshellResult r = shell.WaitForExit(Kenshell.DefaultTimeout);
            Assert.Equal(0, r.ExitCode);
            Assert.Equal(["lib in app 7 true", "import e in sub", "later true"], r.StdoutLines);
        }
        // At the prompt afterwards: the working directory again, and no main.
        Assert.Equal(["'lib in cwd'", "undefined"], _project.Run("require('./lib').name\nrequire.main\n").StdoutLines);
    }

    [Fact]
    public void AJsProgramInATypeModuleScopeRunsAsAnEsModule()
    {
        _project.Write("esm/package.json", "{\"type\": \"module\"}\n");
        _project.Write("esm/main.js", "import { v } from './dep.js';\nconsole.log(v, typeof require, import.meta.url.endsWith('/esm/main.js'));\n");
        _project.Write("esm/dep.js", "export const v = 'esm dep';\n");
        using Kenshell shell = _project.Start("esm/main.js");
        KenshellResult r = shell.WaitForExit(Kenshell.DefaultTimeout);
        Assert.Equal(0, r.ExitCode);
        // Node prints `esm dep undefined true`: kenshell's global `require`
        // stays visible in a module (the README says so).
        Assert.Equal(["esm dep function true"], r.StdoutLines);
    }

    public void Dispose() => _project.Dispose();
}
