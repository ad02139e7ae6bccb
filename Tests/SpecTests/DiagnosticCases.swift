/// Malformed inputs, each with the first error it must produce: `line:col: message`.
enum DiagnosticCases {
  /// A scenario that makes a file with one function `f` complete.
  static let tail = "\nscenario s { thread t = f(); expect ok; }\n"

  static let cases: [(source: String, expected: String)] = [
    // Lexical.
    ("void f() { int x = 1 $ 2; }" + tail, "1:22: unexpected character '$'"),
    ("void f() { } /* never closed", "1:14: unterminated block comment"),
    ("void f() { assert(true, \"open); }" + tail, "1:25: unterminated string literal"),
    ("void f() { int x = 0x; }" + tail, "1:20: expected hex digits after '0x'"),
    ("void f() { int x = 12ab; }" + tail, "1:20: invalid suffix 'ab' on integer literal"),
    (
      "void f() { int x = 99999999999999999999; }" + tail,
      "1:20: integer literal '99999999999999999999' does not fit in 64 bits"
    ),
    ("@ void f() {}" + tail, "1:1: expected an annotation name after '@'"),
    // Syntax.
    ("void f() { int x = 1 }" + tail, "1:22: expected ';' after the statement, found '}'"),
    ("void f( { }" + tail, "1:9: expected a parameter name, found '{'"),
    ("f() { }" + tail, "1:1: function 'f' needs a return type (for example 'int' or 'void')"),
    ("int x;" + tail, "1:5: top-level variable 'x' must be declared 'shared' or 'const'"),
    (
      "banana;",
      "1:1: expected a declaration (a function, 'shared', 'const', a lock or 'scenario'), found 'banana'"
    ),
    ("void f() { if x { } }" + tail, "1:15: expected '(' after 'if', found 'x'"),
    ("void f() { else { } }" + tail, "1:12: 'else' without a matching 'if'"),
    ("void f() { int x = (1 + ; }" + tail, "1:25: expected an expression, found ';'"),
    ("void f() {", "1:11: expected '}' to close the block opened at line 1, found end of file"),
    (
      "@foo void f() {}" + tail,
      "1:1: unknown annotation '@foo'; expected '@kernel', '@progress', '@invariant' or '@on_release'"
    ),
    // Invariant hooks.
    (
      "@invariant void g(int x) {}\nvoid f() {}" + tail,
      "1:17: 'g' is a hook ('@invariant' or '@on_release'): it must be 'void g()'"
    ),
    (
      "shared int l;\n@on_release(l, write) void g() {}\nvoid f() {}" + tail,
      "2:13: '@on_release' names 'l', which is not a lock"
    ),
    (
      "spinlock l;\n@on_release(l, read) void g() {}\nvoid f() {}" + tail,
      "2:13: 'l' is a spinlock: it is released only for write"
    ),
    (
      "rwlock l;\n@on_release(l, shared) void g() {}\nvoid f() {}" + tail,
      "2:16: expected the release mode 'write' or 'read', found 'shared'"
    ),
    (
      "@kernel(\"a.c\") void f() {}" + tail,
      "1:14: expected ',' between the kernel file and function, found ')'"
    ),
    (
      "void f() { int x = 1; x.y = 2; }" + tail,
      "1:24: struct fields are not supported; use a shared variable or a builtin"
    ),
    (
      "void f() { int x = ++y; }" + tail,
      "1:20: '++' is a statement here, not an expression; write it on its own line"
    ),
    (
      "void f() {}\nscenario s { thread t = f(); expect maybe; }",
      "2:37: expected 'ok' or 'violation <kind>' after 'expect', found 'maybe'"
    ),
    (
      "void f() {}\nscenario s { run t = f(); expect ok; }",
      "2:14: expected 'thread', 'init', 'expect' or 'finally' in a scenario, found 'run'"
    ),
    (
      "void f() {}\nvariant of \"base\";",
      "2:1: 'variant of' must be the first declaration of a file"
    ),
    ("void f() { int x = (int) 3; }" + tail, "1:21: casts are not supported"),
    // Names.
    ("void f() { y = 1; }" + tail, "1:12: unknown name 'y'"),
    ("void f() { g(); }" + tail, "1:12: unknown function 'g'"),
    ("void f() { int x = 1; int x = 2; }" + tail, "1:27: 'x' is already declared in this scope"),
    (
      "void f() {}\nvoid f() {}" + tail,
      "2:6: duplicate function 'f' (first defined at test.ept:1:6)"
    ),
    (
      "shared int x;\nvoid x() {}" + tail,
      "2:6: 'x' is already declared as a shared variable at test.ept:1:12"
    ),
    ("void READ_ONCE() {}", "1:6: 'READ_ONCE' is a builtin and cannot be redefined"),
    ("void f() { EBUSY = 1; }" + tail, "1:12: cannot assign to constant 'EBUSY'"),
    ("void f() {}\nscenario s { thread t = g(); expect ok; }", "2:25: unknown function 'g'"),
    (
      "override void f() {}" + tail,
      "1:15: 'override' is only allowed in a variant file (one that starts with 'variant of \"...\";')"
    ),
    ("void f() { int x = f; }" + tail, "1:20: 'f' is a function; call it with '(...)'"),
    // Arity and types.
    (
      "int g(int a) { return a; }\nvoid f() { g(1, 2); }" + tail,
      "2:12: 'g' takes 1 argument, but 2 were given"
    ),
    (
      "shared int x;\nvoid f() { WRITE_ONCE(x); }" + tail,
      "2:12: 'WRITE_ONCE' takes 2 arguments, but 1 was given"
    ),
    (
      "spinlock l;\nvoid f() { int x = &l; }" + tail,
      "2:20: cannot initialise 'x' of type int with a value of type spinlock_t"
    ),
    (
      "rwlock l;\nvoid f() { spin_lock(&l); }" + tail,
      "2:22: argument 1 of 'spin_lock' must be a spinlock_t, not rwlock_t"
    ),
    (
      "void f() { int x = 1; READ_ONCE(x); }" + tail,
      "1:33: argument 1 of 'READ_ONCE' must be a shared location (a shared variable, an array element or a pointer), not the local value 'x'"
    ),
    (
      "shared int x;\nvoid f() { int old = 0; try_cmpxchg64(&x, old, 1); }" + tail,
      "2:43: argument 2 of 'try_cmpxchg64' must be '&' and a local variable"
    ),
    (
      "void g() {}\nvoid f() { int x = g(); }" + tail,
      "2:20: 'g' returns void; its result cannot be used"
    ),
    ("int f() { }" + tail, "1:5: missing return in function 'f', which returns int"),
    ("void f() { return 1; }" + tail, "1:19: void function 'f' cannot return a value"),
    ("int f() { return; }" + tail, "1:11: function 'f' must return a value of type int"),
    (
      "spinlock l;\nvoid f() { if (l) { } }" + tail,
      "2:16: a condition must be int or bool, not spinlock_t"
    ),
    (
      "shared int a[4];\nvoid f() { a[4] = 1; }" + tail,
      "2:14: index 4 is out of bounds for 'a', which has 4 elements"
    ),
    (
      "shared int a[4];\nvoid f() { a = 1; }" + tail,
      "2:12: shared array 'a' needs an index (it has 4 elements)"
    ),
    ("shared int a[0];", "1:14: array length must be between 1 and 256, not 0"),
    ("void f() { int x = 1 / 0; }" + tail, "1:24: division by zero"),
    (
      "void f() { int x = 1; int y = &x; }" + tail,
      "1:32: cannot take the address of local variable 'x'; only builtins take '&local' out-parameters"
    ),
    ("void f() { bogus_t x; }" + tail, "1:12: unknown type 'bogus_t'"),
    ("void f(pte_t *p) { }" + tail, "1:8: unknown type 'pte_t'"),
    ("pte_t f() { }" + tail, "1:1: unknown type 'pte_t'"),
    (
      "void f() { int x = \"s\"; }" + tail,
      "1:20: string literals are only allowed as 'assert' messages and '@kernel' arguments"
    ),
    (
      "spinlock l;\nvoid f() { l = 1; }" + tail,
      "2:12: cannot assign to lock 'l'; use its lock and unlock builtins"
    ),
    // Loops and control flow.
    (
      "void f() { while (true) { } }" + tail,
      "1:12: loop needs a bound: add 'bound N' after the condition, as in 'while (cond) bound 8 { ... }'"
    ),
    (
      "shared int n;\nvoid f() { for (int i = 0; i < n; i++) { } }" + tail,
      "2:12: loop needs a bound: write 'for (i = A; i < B; i++)' with constant A and B, or add 'bound N' after ')'"
    ),
    (
      "shared int n;\nvoid f() { while (true) bound n { } }" + tail,
      "2:31: loop bound must be a constant integer"
    ),
    (
      "void f() { while (true) bound 0 { } }" + tail,
      "1:31: loop bound must be between 1 and 1000000, not 0"
    ),
    ("void f() { break; }" + tail, "1:12: 'break' outside a loop"),
    ("void f() { continue; }" + tail, "1:12: 'continue' outside a loop"),
    (
      "void f() { while (true) bound 2 { atomic { break; } } }" + tail,
      "1:44: 'break' cannot leave an 'atomic' block"
    ),
    ("int f() { atomic { return 1; } }" + tail, "1:20: 'return' cannot leave an 'atomic' block"),
    (
      "void f() { atomic { int x = choose(2); } }" + tail,
      "1:29: 'choose' cannot be used inside 'atomic' or 'await'"
    ),
    // Scenarios.
    ("void f() {}\nscenario s { expect ok; }", "2:10: scenario 's' has no threads"),
    (
      "void f() {}\nscenario s { thread t = f(); }",
      "2:10: scenario 's' has no 'expect' (write 'expect ok;' or 'expect violation <kind>;')"
    ),
    (
      "void f() {}\nscenario s { thread t = f(); expect violation livelock; }",
      "2:30: unknown violation kind 'livelock'; expected one of assertion, lock-misuse, unbounded-retry, deadlock, spec-error, divergence, frozen-leftover, race, zap-policy, tdx-error, use-after-free"
    ),
    (
      "void f() {}\nscenario s { thread t = f(); expect violation race, livelock; }",
      "2:53: unknown violation kind 'livelock'; expected one of assertion, lock-misuse, unbounded-retry, deadlock, spec-error, divergence, frozen-leftover, race, zap-policy, tdx-error, use-after-free"
    ),
    // The kernel's jumps, and names a typo away from a known one.
    (
      "void f() { goto out; }" + tail,
      "1:12: 'goto out' is not supported; write a forward jump (the kernel's 'goto out') as 'break' out of a loop or an 'if' around the code it skips, and a backward one (the kernel's 'retry: body; if (again) goto retry;') as 'do { body; } while (again) bound N;'"
    ),
    (
      "void f() { retry: ; }" + tail,
      "1:12: labels are not supported ('retry:'); write the jump to it as a loop, 'break' or an 'if' (see 'goto' in docs/language.md)"
    ),
    (
      "shared int counter;\nvoid f() { WRTIE_ONCE(counter, 1); }" + tail,
      "2:12: unknown function 'WRTIE_ONCE'; did you mean 'WRITE_ONCE'?"
    ),
    ("shared int counter;\nvoid f() { countr = 1; }" + tail, "2:12: unknown name 'countr'; did you mean 'counter'?"),
    (
      "void fault() {}\nscenario s { thread t = falt(); expect ok; }",
      "2:25: unknown function 'falt'; did you mean 'fault'?"
    ),
    (
      "void f() {}\nscenario s { thread t = f(); expect violation dedlock; }",
      "2:30: unknown violation kind 'dedlock' (did you mean 'deadlock'?); expected one of assertion, lock-misuse, unbounded-retry, deadlock, spec-error, divergence, frozen-leftover, race, zap-policy, tdx-error, use-after-free"
    ),
    (
      "void f() {}\nscenario s { thread t = f(); expect violation race, ; }",
      "2:53: expected a violation kind after ',' in 'expect violation', found ';'"
    ),
    (
      "void f() {}\nscenario s { thread t = f(); thread t = f(); expect ok; }",
      "2:37: duplicate thread name 't' in scenario 's'"
    ),
    (
      "void f(int a) {}\nscenario s { thread t = f(); expect ok; }",
      "2:25: 'f' takes 1 argument, but 0 were given"
    ),
    (
      "shared int x;\nvoid f(int a) {}\nscenario s { thread t = f(x); expect ok; }",
      "3:27: thread arguments must be constants"
    ),
    (
      "void f(int gfn) {}\nscenario s { thread t = f(pfn: 1); expect ok; }",
      "2:32: argument label 'pfn' does not match parameter 'gfn' of 'f'"
    ),
    (
      "void f() {}\nscenario s { thread t0 = f(); thread t1 = f(); thread t2 = f(); thread t3 = f(); thread t4 = f(); thread t5 = f(); thread t6 = f(); thread t7 = f(); thread t8 = f(); thread t9 = f(); thread t10 = f(); thread t11 = f(); thread t12 = f(); thread t13 = f(); thread t14 = f(); thread t15 = f(); thread t16 = f(); expect ok; }",
      "2:299: scenario 's' has 17 threads; at most 16 are supported"
    ),
    (
      "void f() {}\nscenario s { thread t = f(); expect ok; }\nscenario s { thread t = f(); expect ok; }",
      "3:10: duplicate scenario name 's' (also at test.ept:2:10)"
    ),
    (
      "spinlock l;\nvoid f() {}\nscenario s { init { spin_lock(&l); } thread t = f(); expect ok; }",
      "3:21: 'spin_lock' cannot be used in an 'init' block"
    ),
  ]
}
