// compileFunction: the CommonJS wrapper compiled as Node compiles it, with
// the file's own lines and columns, its syntax errors located, and the
// functions it makes saved in checkpoints like any other.
#include <gtest/gtest.h>

#include <string>

#include "kenv8.h"
#include "test_support.h"

using kenv8_test::CheckpointBlob;
using kenv8_test::TempDir;
using kenv8_test::TestShell;

TEST(ModuleCompile, MakesAFunctionOfTheWrapperParametersNamedAfterTheFile) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    EXPECT_EQ("function,5,exports|require|module|__filename|__dirname",
              shell->Value("var f = host.compileFunction('exports.a = [exports, require, module, __filename, __dirname].join(\"|\")', '/m/x.js'); "
                           "var e = {}; f(e, 'require', 'module', '/m/x.js', '/m'); "
                           "[typeof f, f.length, (() => { const s = f.toString(); return s.slice(s.indexOf('(') + 1, s.indexOf(')')).split(',').map(p => p.trim()).join('|') })()].join()"));
    EXPECT_EQ("[object Object]|require|module|/m/x.js|/m", shell->Value("e.a"));
    // Line 1, column 7 of the file itself: no wrapper text before the source.
    EXPECT_EQ("at /m/y.js:1:7", shell->Value(
        "var g = host.compileFunction('throw new Error(\"boom\")', '/m/y.js'); "
        "(() => { try { g() } catch (err) { return err.stack.split('\\n')[1].trim() } })()"));
}

TEST(ModuleCompile, ASyntaxErrorComesBackWithWhereItIs) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    EXPECT_EQ("true|SyntaxError|2|let = ;|6|7", shell->Value(
        "var r = host.compileFunction('exports.a = 1;\\nlet = ;\\n', '/m/bad.js'); "
        "[Array.isArray(r), r[0].name, r[1], r[2], r[3], r[4]].join('|')"));
    EXPECT_EQ("TypeError", shell->Value("try { host.compileFunction(1, 'x') } catch (e) { e.name }"));
}

TEST(ModuleCompile, CompiledFunctionsSurviveACheckpoint) {
    TempDir dir;
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    ASSERT_EQ("6", shell->Value(
        "var mod = { exports: {} }; "
        "host.compileFunction('let n = 0; module.exports = { next: () => ++n, fail: () => { throw new Error(\"at\") } }', '/m/counter.js')"
        "(mod.exports, null, mod, '/m/counter.js', '/m'); mod.exports.next() + mod.exports.next() + mod.exports.next()"));
    std::string blob = CheckpointBlob(shell->get(), dir.Path("module.ckpt"), 3);
    ASSERT_FALSE(blob.empty());
    std::string error;
    auto restored = TestShell::FromBlob(blob, &error);
    ASSERT_TRUE(restored) << error;
    EXPECT_EQ("4", restored->Value("mod.exports.next()"));
    EXPECT_EQ("/m/counter.js:1:", restored->Value(
        "(() => { try { mod.exports.fail() } catch (e) { const l = e.stack.split('\\n')[1]; return l.slice(l.indexOf('(') + 1, l.lastIndexOf(':') + 1) } })()"));
}
