// The determinism tape's filesystem kind: what fsQuery learns from the disk
// is recorded as a variable-length entry, handed out again on replay without
// touching the disk, and a replay that asks something else has diverged.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <unistd.h>
#include <string>

#include "kenv8.h"
#include "test_support.h"

using kenv8_test::TempDir;
using kenv8_test::TestShell;

namespace {

void WriteText(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

std::string TapeOf(TestShell* s) {
    const uint8_t* data = nullptr;
    size_t len = kenv8_shell_tape(s->get(), &data);
    return std::string(reinterpret_cast<const char*>(data), len);
}

std::string Divergence(TestShell* s) { return kenv8_shell_tape_divergence(s->get()); }

// JavaScript that reads `path` through the host and prints what it saw.
std::string Observe(const std::string& path) {
    return "JSON.stringify([host.fsQuery('stat', '" + path + "'), host.fsQuery('read', '" + path +
           "'), host.fsQuery('stat', '" + path + ".missing'), host.fsQuery('read', '" + path +
           ".missing'), typeof host.fsQuery('cwd')])";
}

std::string NumericEntry(uint8_t kind, double value) {
    std::string entry(1, static_cast<char>(kind));
    entry.append(reinterpret_cast<const char*>(&value), sizeof value);
    return entry;
}

}  // namespace

TEST(TapeFilesystem, OffReadsTheDiskLive) {
    TempDir dir;
    WriteText(dir.Path("a.js"), "module.exports = 1;\n");
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    EXPECT_EQ("[\"file\",\"module.exports = 1;\\n\",\"\",null,\"string\"]",
              shell->Value(Observe(dir.Path("a.js"))));
    EXPECT_EQ("dir", shell->Value("host.fsQuery('stat', '" + dir.Path("") + "')"));
    WriteText(dir.Path("a.js"), "changed");
    EXPECT_EQ("changed", shell->Value("host.fsQuery('read', '" + dir.Path("a.js") + "')"));
    // Symlinks are followed; realpath names the file they lead to.
    ASSERT_EQ(0, symlink(dir.Path("a.js").c_str(), dir.Path("link.js").c_str()));
    EXPECT_EQ("file", shell->Value("host.fsQuery('stat', '" + dir.Path("link.js") + "')"));
    std::string real = shell->Value("host.fsQuery('realpath', '" + dir.Path("a.js") + "')");
    EXPECT_EQ(real, shell->Value("host.fsQuery('realpath', '" + dir.Path("link.js") + "')"));
    EXPECT_EQ("a.js", real.substr(real.size() - 4));
    EXPECT_EQ("", shell->Value("host.fsQuery('realpath', '" + dir.Path("missing.js") + "')"));
}

TEST(TapeFilesystem, RecordedAnswersReplayWithoutTheDisk) {
    TempDir dir;
    std::string text = "exports.x = '\xc3\xa9t\xc3\xa9';\n";  // UTF-8 survives the round trip
    WriteText(dir.Path("m.js"), text);
    auto recorder = TestShell::Fresh();
    ASSERT_TRUE(recorder);
    kenv8_shell_tape_record(recorder->get());
    std::string source = "const t0 = Date.now(); " + Observe(dir.Path("m.js")) +
                         " + (typeof t0) + host.fsQuery('cwd')";
    std::string recorded = recorder->Value(source);
    std::string tape = TapeOf(recorder.get());
    EXPECT_NE(std::string::npos, recorded.find("\xc3\xa9t\xc3\xa9")) << recorded;
    // The file's bytes are in the tape, as one entry of the filesystem kind:
    // [4][u32 length][u32 query length]["read\0<path>"][\1 + bytes].
    std::string query = std::string("read") + '\0' + dir.Path("m.js");
    size_t at = tape.find(query);
    ASSERT_NE(std::string::npos, at);
    ASSERT_GE(at, 9u);
    EXPECT_EQ(4, tape[at - 9]);
    uint32_t length = 0, query_length = 0;
    std::memcpy(&length, tape.data() + at - 8, 4);
    std::memcpy(&query_length, tape.data() + at - 4, 4);
    EXPECT_EQ(query.size(), query_length);
    EXPECT_EQ(4 + query.size() + 1 + text.size(), length);
    EXPECT_EQ("\1" + text, tape.substr(at + query.size(), 1 + text.size()));
    EXPECT_EQ(1, tape[0]);  // Date.now came first: a numeric clock entry

    // The file changes, then disappears: the replay still sees what was recorded.
    WriteText(dir.Path("m.js"), "something else");
    std::remove(dir.Path("m.js").c_str());
    auto replayer = TestShell::Fresh();
    ASSERT_TRUE(replayer);
    kenv8_shell_tape_replay(replayer->get(), reinterpret_cast<const uint8_t*>(tape.data()), tape.size());
    EXPECT_EQ(recorded, replayer->Value(source));
    EXPECT_EQ("", Divergence(replayer.get()));
}

TEST(TapeFilesystem, ADifferentQueryIsADivergence) {
    TempDir dir;
    WriteText(dir.Path("a.js"), "1");
    WriteText(dir.Path("b.js"), "2");
    auto recorder = TestShell::Fresh();
    ASSERT_TRUE(recorder);
    kenv8_shell_tape_record(recorder->get());
    EXPECT_EQ("1", recorder->Value("host.fsQuery('read', '" + dir.Path("a.js") + "')"));
    std::string tape = TapeOf(recorder.get());

    auto replayer = TestShell::Fresh();
    ASSERT_TRUE(replayer);
    kenv8_shell_tape_replay(replayer->get(), reinterpret_cast<const uint8_t*>(tape.data()), tape.size());
    // Another path: diverged, and the answer comes from the disk from then on.
    EXPECT_EQ("2", replayer->Value("host.fsQuery('read', '" + dir.Path("b.js") + "')"));
    std::string why = Divergence(replayer.get());
    EXPECT_NE(std::string::npos, why.find("value #1 from the filesystem asked 'read ")) << why;
    EXPECT_NE(std::string::npos, why.find("b.js', but the log has 'read ")) << why;

    // Another operation on the same path is a divergence too.
    kenv8_shell_tape_replay(replayer->get(), reinterpret_cast<const uint8_t*>(tape.data()), tape.size());
    EXPECT_EQ("file", replayer->Value("host.fsQuery('stat', '" + dir.Path("a.js") + "')"));
    EXPECT_NE(std::string::npos, Divergence(replayer.get()).find("asked 'stat ")) << Divergence(replayer.get());

    // A numeric value where the log has a filesystem entry, and the reverse.
    kenv8_shell_tape_replay(replayer->get(), reinterpret_cast<const uint8_t*>(tape.data()), tape.size());
    replayer->Value("Date.now()");
    EXPECT_NE(std::string::npos,
              Divergence(replayer.get()).find("came from the wall clock (Date), but the log has the filesystem"))
        << Divergence(replayer.get());
    std::string clock = NumericEntry(1, 1234.0);
    kenv8_shell_tape_replay(replayer->get(), reinterpret_cast<const uint8_t*>(clock.data()), clock.size());
    replayer->Value("host.fsQuery('cwd')");
    EXPECT_NE(std::string::npos,
              Divergence(replayer.get()).find("came from the filesystem ('cwd '), but the log has the wall clock"))
        << Divergence(replayer.get());

    // Asking more than the log holds.
    kenv8_shell_tape_replay(replayer->get(), reinterpret_cast<const uint8_t*>(tape.data()), tape.size());
    replayer->Value("host.fsQuery('read', '" + dir.Path("a.js") + "'); host.fsQuery('cwd')");
    EXPECT_NE(std::string::npos,
              Divergence(replayer.get()).find("value #2 from the filesystem ('cwd ') was asked for, but the log recorded only 1"))
        << Divergence(replayer.get());
}

TEST(TapeFilesystem, UnusedEntriesAreCountedWhateverTheirSize) {
    TempDir dir;
    WriteText(dir.Path("a.js"), std::string(1000, 'x'));
    auto recorder = TestShell::Fresh();
    ASSERT_TRUE(recorder);
    kenv8_shell_tape_record(recorder->get());
    recorder->Value("Date.now(); host.fsQuery('read', '" + dir.Path("a.js") + "'); Date.now(); 1");
    std::string tape = TapeOf(recorder.get());
    EXPECT_EQ(9u + 9u + 9u + std::string("read").size() + 1 + dir.Path("a.js").size() + 1001, tape.size());

    auto replayer = TestShell::Fresh();
    ASSERT_TRUE(replayer);
    kenv8_shell_tape_replay(replayer->get(), reinterpret_cast<const uint8_t*>(tape.data()), tape.size());
    replayer->Value("Date.now(); 1");
    EXPECT_EQ("the turn used 1 outside values, but the log recorded 3", Divergence(replayer.get()));
}

TEST(TapeFilesystem, OldTapesOfNumericEntriesStillReplay) {
    // A tape as kenshell wrote it before the filesystem kind: fixed 9-byte entries.
    std::string tape = NumericEntry(1, 1700000000000.0) + NumericEntry(1, 1700000000500.0);
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    kenv8_shell_tape_replay(shell->get(), reinterpret_cast<const uint8_t*>(tape.data()), tape.size());
    EXPECT_EQ("1700000000000,1700000000500", shell->Value("[Date.now(), Date.now()].join()"));
    EXPECT_EQ("", Divergence(shell.get()));
}

TEST(TapeFilesystem, BadArgumentsThrowInsteadOfCrashing) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    EXPECT_EQ("TypeError", shell->Value("try { host.fsQuery('unlink', '/x') } catch (e) { e.name }"));
    EXPECT_EQ("TypeError", shell->Value("try { host.fsQuery('read', 42) } catch (e) { e.name }"));
    EXPECT_EQ("", shell->Value("host.fsQuery('stat', 'a\\0b')"));
    EXPECT_EQ("null", shell->Value("String(host.fsQuery('read', '/'))"));
}

// The `fs` module's reads (host.fsCall, tape kind 5) and what `process`
// learns (host.processInfo, tape kind 6): recorded, replayed without the
// disk or the environment, variable-length entries like kind 4's.
TEST(TapeNodeFs, BytesStatsListingsAndErrorsReplayWithoutTheDisk) {
    TempDir dir;
    WriteText(dir.Path("f.bin"), std::string("a\0\xff", 3));
    std::string observe =
        "JSON.stringify([Array.from(new Uint8Array(host.fsCall('readFile', '" + dir.Path("f.bin") + "'))), "
        "JSON.parse(host.fsCall('stat', '" + dir.Path("f.bin") + "')).size, "
        "JSON.parse(host.fsCall('readdir', '" + dir.Path("") + "')), "
        "host.fsCall('readFile', '" + dir.Path("nope") + "'), "
        "host.fsCall('access', '" + dir.Path("f.bin") + "', 4)])";
    auto recorder = TestShell::Fresh();
    ASSERT_TRUE(recorder);
    kenv8_shell_tape_record(recorder->get());
    std::string recorded = recorder->Value(observe);
    EXPECT_NE(std::string::npos, recorded.find("[[97,0,255],3,[[\"f.bin\",1]],[\"ENOENT\",-2,\"open\",")) << recorded;
    std::string tape = TapeOf(recorder.get());
    EXPECT_EQ(5, tape[0]);  // the first entry is of the fs kind

    std::remove(dir.Path("f.bin").c_str());
    auto replayer = TestShell::Fresh();
    ASSERT_TRUE(replayer);
    kenv8_shell_tape_replay(replayer->get(), reinterpret_cast<const uint8_t*>(tape.data()), tape.size());
    EXPECT_EQ(recorded, replayer->Value(observe));
    EXPECT_EQ("", Divergence(replayer.get()));

    // Asking for another file is a divergence named as the fs kind.
    kenv8_shell_tape_replay(replayer->get(), reinterpret_cast<const uint8_t*>(tape.data()), tape.size());
    replayer->Value("host.fsCall('stat', '/')");
    EXPECT_NE(std::string::npos, Divergence(replayer.get()).find("the filesystem (fs)")) << Divergence(replayer.get());
}

TEST(TapeNodeFs, BadArgumentsThrowOrFailAsTheDiskWould) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    EXPECT_EQ("TypeError", shell->Value("try { host.fsCall('unlink', '/x') } catch (e) { e.name }"));
    EXPECT_EQ("TypeError", shell->Value("try { host.fsCall('readFile', 42) } catch (e) { e.name }"));
    EXPECT_EQ("ENOENT,open", shell->Value("host.fsCall('readFile', 'a\\0b').slice(0, 3).filter(x => typeof x === 'string').join()"));
    EXPECT_EQ("EISDIR,read", shell->Value("host.fsCall('readFile', '/').filter(x => typeof x === 'string').slice(0, 2).join()"));
}

TEST(TapeProcess, ArgvEnvironmentAndClocksReplayAsRecorded) {
    kenv8_set_process_text("argv", "[\"/bin/kenshell\",\"a\"]", 21);
    ::setenv("KENV8_TAPE_TEST", "first", 1);
    std::string observe =
        "JSON.stringify([host.processInfo('argv'), host.processInfo('env', 'KENV8_TAPE_TEST'), "
        "host.processInfo('environ').includes('KENV8_TAPE_TEST=first'), host.processInfo('hrtime'), "
        "host.processInfo('pid'), host.processInfo('uptime')])";
    auto recorder = TestShell::Fresh();
    ASSERT_TRUE(recorder);
    kenv8_shell_tape_record(recorder->get());
    std::string recorded = recorder->Value(observe);
    EXPECT_NE(std::string::npos, recorded.find("[\"[\\\"/bin/kenshell\\\",\\\"a\\\"]\",\"\\u0001first\",true,")) << recorded;
    std::string tape = TapeOf(recorder.get());
    EXPECT_EQ(6, tape[0]);

    kenv8_set_process_text("argv", "[\"/other\"]", 10);
    ::setenv("KENV8_TAPE_TEST", "second", 1);
    auto replayer = TestShell::Fresh();
    ASSERT_TRUE(replayer);
    kenv8_shell_tape_replay(replayer->get(), reinterpret_cast<const uint8_t*>(tape.data()), tape.size());
    EXPECT_EQ(recorded, replayer->Value(observe));
    EXPECT_EQ("", Divergence(replayer.get()));
    ::unsetenv("KENV8_TAPE_TEST");
}
