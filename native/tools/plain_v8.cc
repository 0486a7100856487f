// kenv8-plain: JavaScript in a plain V8 isolate (Isolate::New) of the same
// libnode kenshell uses, with nothing of kenshell's: the reference that
// kenshell's language behaviour is compared against (tests/conformance,
// bench/). In the manner of V8's samples/shell.cc, much reduced.
//
//   kenv8-plain FILE.js...   runs each file as a classic script, in order,
//                            in one context; then the microtasks.
//   kenv8-plain --each       reads file paths from stdin, one per line, and
//                            runs each in a context of its own (a fresh
//                            realm: the conformance runner's batch mode),
//                            printing "### PATH" before its output.
//
// The global `print(...args)` writes its arguments, converted to strings and
// separated by spaces, and a newline. An uncaught exception prints
// "EXCEPTION: <its string>" and the next file runs. Exit code 0.
#include <libplatform/libplatform.h>
#include <v8.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

void Print(const v8::FunctionCallbackInfo<v8::Value>& info) {
    std::string line;
    for (int i = 0; i < info.Length(); ++i) {
        v8::String::Utf8Value text(info.GetIsolate(), info[i]);
        if (i > 0) line += ' ';
        line += *text != nullptr ? *text : "<unprintable>";
    }
    line += '\n';
    fwrite(line.data(), 1, line.size(), stdout);
}

bool ReadFile(const char* path, std::string* text) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::stringstream buffer;
    buffer << in.rdbuf();
    *text = buffer.str();
    return true;
}

// Runs one file as a classic script, then the microtasks. False if the
// file cannot be read.
bool RunFile(v8::Isolate* isolate, v8::Local<v8::Context> context, const char* path) {
    std::string text;
    if (!ReadFile(path, &text)) {
        fprintf(stderr, "kenv8-plain: cannot read %s\n", path);
        return false;
    }
    v8::TryCatch try_catch(isolate);
    v8::Local<v8::String> source;
    v8::Local<v8::Script> script;
    v8::ScriptOrigin origin(isolate, v8::String::NewFromUtf8(isolate, path).ToLocalChecked());
    if (!v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal,
                                 static_cast<int>(text.size()))
             .ToLocal(&source) ||
        !v8::Script::Compile(context, source, &origin).ToLocal(&script) ||
        script->Run(context).IsEmpty()) {
        v8::String::Utf8Value error(isolate, try_catch.Exception());
        printf("EXCEPTION: %s\n", *error != nullptr ? *error : "?");
    }
    isolate->PerformMicrotaskCheckpoint();
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    v8::V8::InitializeICUDefaultLocation(argv[0]);
    std::unique_ptr<v8::Platform> platform = v8::platform::NewDefaultPlatform();
    v8::V8::InitializePlatform(platform.get());
    v8::V8::Initialize();
    v8::Isolate::CreateParams params;
    params.array_buffer_allocator = v8::ArrayBuffer::Allocator::NewDefaultAllocator();
    v8::Isolate* isolate = v8::Isolate::New(params);
    {
        v8::Isolate::Scope isolate_scope(isolate);
        v8::HandleScope handle_scope(isolate);
        v8::Local<v8::ObjectTemplate> global = v8::ObjectTemplate::New(isolate);
        global->Set(isolate, "print", v8::FunctionTemplate::New(isolate, Print));
        if (argc == 2 && std::string(argv[1]) == "--each") {
            std::string path;
            while (std::getline(std::cin, path)) {
                if (path.empty()) continue;
                v8::HandleScope file_scope(isolate);
                v8::Local<v8::Context> context = v8::Context::New(isolate, nullptr, global);
                v8::Context::Scope context_scope(context);
                printf("### %s\n", path.c_str());
                if (!RunFile(isolate, context, path.c_str())) return 1;
                fflush(stdout);
            }
        } else {
            v8::Local<v8::Context> context = v8::Context::New(isolate, nullptr, global);
            v8::Context::Scope context_scope(context);
            for (int i = 1; i < argc; ++i) {
                if (!RunFile(isolate, context, argv[i])) return 1;
            }
        }
    }
    isolate->Dispose();
    delete params.array_buffer_allocator;
    v8::V8::Dispose();
    v8::V8::DisposePlatform();
    fflush(stdout);
    return 0;
}
