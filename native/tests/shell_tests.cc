#include <gtest/gtest.h>
#include <string>
#include <vector>
#include "kenv8.h"

namespace {
const char* kPrelude = R"JS(
(function (host) {
  const fmt = v => typeof v === 'string' ? "'" + v + "'" : String(v);
  globalThis.print = (...a) => host.print(1, a.join(' ') + '\n');
  return {
    finishTurn(p) {
      const [state, r] = host.promiseState(p);
      if (state === 1) { host.print(1, 'R:' + typeof r + ' ' + (r && Object.keys(r)) + ' ' + fmt(r && r.repl_result) + ' ' + fmt(r) + '\n'); return 0; }
      if (state === 2) { host.print(1, 'Uncaught ' + fmt(r) + '\n'); return 1; }
      host.print(1, 'PENDING\n'); return 2;
    },
    uncaught(e) { host.print(1, 'SYNC-Uncaught ' + fmt(e) + '\n'); },
    syntaxError(e, line, start, end) { host.print(1, 'SE:' + e.message + '|' + line + '|' + start + '\n'); },
    beforeSnapshot() {},
  };
})
)JS";

std::string Stdout(kenv8_shell* s) {
  const uint8_t* p; size_t n = kenv8_shell_output(s, &p); std::string out;
  size_t i = 0;
  while (i + 5 <= n) { uint32_t len; memcpy(&len, p + i + 1, 4); out.append((const char*)p + i + 5, len); i += 5 + len; }
  return out;
}
}

TEST(Probe, Behaviours) {
  char err[512];
  kenv8_shell* s = kenv8_shell_create(nullptr, 0, err, sizeof err);
  ASSERT_NE(nullptr, s) << err;
  ASSERT_EQ(0, kenv8_shell_install_prelude(s, kPrelude, strlen(kPrelude), err, sizeof err)) << err;
  const char* inputs[] = {"1+1", "let x = 5", "x", "let x = 6; x", "throw new Error('boom')", "null.x",
    "let y = ;", "foo(1 2)", "foo(1,", "`abc", "/* abc", "'abc", "await 1", "await new Promise(()=>{})",
    "eval('(')", "throw new SyntaxError('mine')", "function f(){ return 1 }", "{a:1}", "[1,2"};
  for (const char* in : inputs) {
    int st = kenv8_shell_eval(s, in, strlen(in), "REPL1");
    printf("%-40s -> %d %s", in, st, Stdout(s).c_str());
    if (Stdout(s).empty()) printf("\n");
  }
  kenv8_shell_destroy(s);
}
