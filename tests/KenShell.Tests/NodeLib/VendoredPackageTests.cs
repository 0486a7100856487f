using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.NodeLib;

/// <summary>
/// The runtime's vendored npm packages (src/KenShell/Runtime/vendor, the
/// prelude section 705): served from the heap under /kenshell:vendor, never
/// from the disk, compiled on first require, kept out of require.cache, and
/// still there after kill -9 in a directory that has no node_modules at all.
/// </summary>
public sealed class VendoredPackageTests : IDisposable
{
    private readonly ModuleProject _project = new();

    [Fact]
    public void VendoredPackagesLoadFromTheHeapAndSurviveKill()
    {
        using (Kenshell shell = _project.Start())
        {
            Assert.Equal("[ 'VariableDeclaration', '8.19.0', 0 ]", shell.Eval(
                "const acorn = require('/kenshell:vendor/node_modules/acorn');" +
                "[acorn.parse('let x = 1', { ecmaVersion: 'latest' }).body[0].type, acorn.version, Object.keys(require.cache).length]"));
            // A vendored module resolves within the vendored tree (buffer's
            // own dependencies base64-js and ieee754 are there).
            Assert.Equal("'68690a'", shell.Eval("require('/kenshell:vendor/node_modules/buffer/').Buffer.from('hi\\n').toString('hex')"));
            Assert.Equal("'MODULE_NOT_FOUND'", shell.Eval(
                "(() => { try { require('/kenshell:vendor/node_modules/no-such-package') } catch (e) { return e.code } })()"));
            shell.Kill9();
        }
        using (Kenshell shell = _project.Start())
        {
            Assert.Equal("[ true, 'Program' ]", shell.Eval(
                "[acorn === require('/kenshell:vendor/node_modules/acorn'), acorn.parse('1', { ecmaVersion: 2020 }).type]"));
            Assert.DoesNotContain("diverged", shell.WaitForStderr("restored turn"), StringComparison.Ordinal);
        }
    }

    public void Dispose() => _project.Dispose();
}
