// Tab completion must never run user code: every case here plants a getter
// or a Proxy trap that would leave a mark, asks for completions, and checks
// the mark is not there.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "kenv8.h"
#include "test_support.h"

namespace {

using kenv8_test::TestShell;

std::vector<std::string> Names(TestShell& shell, const std::string& path) {
    const char* answer = nullptr;
    size_t len = kenv8_shell_completion_names(shell.get(), path.data(), path.size(), &answer);
    std::vector<std::string> names;
    std::string text(answer, len);
    for (size_t start = 0; start < text.size();) {
        size_t end = text.find('\n', start);
        names.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return names;
}

bool Has(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(Completion, GlobalsIncludeLexicalBindingsAndBuiltins) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    shell->Eval("let counterLet = 1; const constThing = 2; class KlassName {}; var varThing = 3");
    auto names = Names(*shell, "");
    EXPECT_TRUE(Has(names, "counterLet"));
    EXPECT_TRUE(Has(names, "constThing"));
    EXPECT_TRUE(Has(names, "KlassName"));
    EXPECT_TRUE(Has(names, "varThing"));
    EXPECT_TRUE(Has(names, "Array"));
    EXPECT_TRUE(Has(names, "hasOwnProperty"));  // from Object.prototype, at the end of the chain
}

TEST(Completion, PropertiesAlongThePrototypeChain) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    shell->Eval("class Base { baseMethod() {} } class Derived extends Base { ownMethod() {} }");
    shell->Eval("const obj = new Derived(); obj.field = 1; const nested = { inner: { deep: 1 } }");
    auto names = Names(*shell, "obj");
    EXPECT_TRUE(Has(names, "field"));
    EXPECT_TRUE(Has(names, "ownMethod"));
    EXPECT_TRUE(Has(names, "baseMethod"));
    EXPECT_TRUE(Has(names, "toString"));
    EXPECT_TRUE(Has(Names(*shell, "nested\ninner"), "deep"));
    EXPECT_TRUE(Has(Names(*shell, "Array\nprototype"), "map"));
    // A primitive completes through its wrapper's prototype.
    shell->Eval("const greeting = 'hi'");
    EXPECT_TRUE(Has(Names(*shell, "greeting"), "padStart"));
    EXPECT_TRUE(Names(*shell, "nothingByThisName").empty());
    shell->Eval("const empty = null");
    EXPECT_TRUE(Names(*shell, "empty").empty());
}

// The answer split at its empty lines: one group per object on the chain.
std::vector<std::vector<std::string>> Groups(TestShell& shell, const std::string& path) {
    std::vector<std::vector<std::string>> groups(1);
    for (const std::string& name : Names(shell, path)) {
        if (name.empty()) groups.emplace_back();
        else groups.back().push_back(name);
    }
    if (groups.back().empty()) groups.pop_back();
    return groups;
}

TEST(Completion, OneGroupPerObjectOnTheChainClosestFirst) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    shell->Eval("const o = {zeta: 1, alpha: 2}");
    shell->Eval("class A { constructor() { this.own = 1 } am() {} } class B extends A { bm() {} } const b = new B()");
    auto o = Groups(*shell, "o");
    ASSERT_EQ(2u, o.size());
    EXPECT_EQ((std::vector<std::string>{"zeta", "alpha"}), o[0]);
    EXPECT_TRUE(Has(o[1], "hasOwnProperty"));
    EXPECT_TRUE(Has(o[1], "__proto__"));
    // Node's REPL leaves Object.prototype's legacy accessor helpers out.
    EXPECT_FALSE(Has(o[1], "__defineGetter__"));
    EXPECT_FALSE(Has(o[1], "__lookupSetter__"));
    auto b = Groups(*shell, "b");
    ASSERT_EQ(4u, b.size());
    EXPECT_EQ((std::vector<std::string>{"own"}), b[0]);
    EXPECT_TRUE(Has(b[1], "bm") && Has(b[1], "constructor"));
    // A name is listed once, in the closest group that has it.
    EXPECT_EQ((std::vector<std::string>{"am"}), b[2]);
    EXPECT_FALSE(Has(b[3], "constructor"));
    // An object with Object.prototype's helpers of its own keeps them.
    shell->Eval("const own = { __defineGetter__: 1 }");
    EXPECT_TRUE(Has(Groups(*shell, "own")[0], "__defineGetter__"));
}

TEST(Completion, NeverCallsAGetter) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    shell->Eval("var calls = 0; const account = { get balance() { calls++; return { cents: 1 } } }");
    shell->Eval("Object.defineProperty(globalThis, 'globalGetter', { get() { calls++; return {a: 1} } })");
    shell->Eval("class WithGetter { get g() { calls++; return 1 } }; const wg = new WithGetter()");
    auto names = Names(*shell, "account");
    EXPECT_TRUE(Has(names, "balance"));                       // listed...
    EXPECT_TRUE(Names(*shell, "account\nbalance").empty());   // ...but never read
    EXPECT_TRUE(Names(*shell, "globalGetter").empty());
    EXPECT_TRUE(Names(*shell, "wg\ng").empty());
    EXPECT_TRUE(Has(Names(*shell, "wg"), "g"));
    EXPECT_EQ("0", shell->Value("calls"));
}

TEST(Completion, NeverCallsAProxyTrap) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    shell->Eval(
        "var traps = 0; const handler = new Proxy({}, { get() { traps++; return () => { traps++ } } });"
        "const spy = new Proxy({ x: { y: 1 } }, handler);"
        "const behind = Object.create(spy, { own: { value: 1, enumerable: true } });"
        "const holder = { p: spy }");
    ASSERT_EQ("0", shell->Value("traps"));
    EXPECT_TRUE(Names(*shell, "spy").empty());
    EXPECT_TRUE(Names(*shell, "spy\nx").empty());
    EXPECT_TRUE(Names(*shell, "holder\np").empty());
    EXPECT_TRUE(Has(Names(*shell, "behind"), "own"));  // up to the Proxy, not into it
    EXPECT_TRUE(Has(Names(*shell, "holder"), "p"));
    EXPECT_EQ("0", shell->Value("traps"));
}

TEST(Completion, BindingInTemporalDeadZoneGivesNothing) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    // The declaration throws before initialising `late`: it stays in its TDZ.
    shell->Eval("let late = (() => { throw new Error('no') })()");
    EXPECT_TRUE(Names(*shell, "late").empty());
    EXPECT_EQ("ok", shell->Value("'ok'"));  // the shell goes on
}

}  // namespace
