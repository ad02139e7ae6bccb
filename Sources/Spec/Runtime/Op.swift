import Explorer

/// One instruction of the compact form the compiler emits and the interpreter runs.
///
/// Slots are indices into the current frame. Most instructions are local; `visible`,
/// `atomicBegin` and `awaitBegin` are scheduling points, and `check` and `loopCheck` become one
/// when they fail (so that the violation is raised by a step of its own).
enum Op: Sendable {
  case constant(dst: Int32, value: Value)
  case move(dst: Int32, src: Int32)
  case unary(UnaryOp, dst: Int32, src: Int32)
  case binary(BinaryOp, dst: Int32, a: Int32, b: Int32)
  case jump(target: Int32)
  case branchFalse(condition: Int32, target: Int32)
  case branchTrue(condition: Int32, target: Int32)
  /// `dst = &array[index]` where the array is cells `base..<base+length`; out of range faults.
  case element(dst: Int32, base: Int32, length: Int32, index: Int32)
  case call(function: Int32, argumentBase: Int32, argumentCount: Int32, dst: Int32)
  /// Returns the value in `src` (`-1` for none).
  case ret(src: Int32)
  /// Counts one more iteration; fails (`unbounded-retry`) past `bound`. `isRetry` unless the
  /// loop's own condition bounds it (`for` with constant limits), for the cycle proviso of
  /// invisible steps.
  case loopCheck(counter: Int32, bound: Int32, isRetry: Bool)
  /// `assert`, `BUG_ON`, `WARN_ON`, `KVM_BUG_ON`; fires when the condition says so.
  case check(CheckKind, condition: Int32)
  /// A builtin that is not a scheduling point.
  case local(builtin: Int32, argumentBase: Int32, argumentCount: Int32, dst: Int32, out: Int32)
  /// A scheduling-point builtin: one visible step.
  case visible(builtin: Int32, argumentBase: Int32, argumentCount: Int32, dst: Int32, out: Int32)
  /// Runs `pc+1 ..< end` as one step.
  case atomicBegin(end: Int32)
  case atomicEnd
  /// Runs `pc+1 ..< end` as one step that is blocked until the `awaitEnd` condition holds.
  case awaitBegin(end: Int32)
  case awaitEnd(condition: Int32)
  /// Ends the `awaitBegin` region of a `select`: the guards of its `count` `when`s are in slots
  /// `guards..<guards+count`, and an `else` (`hasElse`) is one more alternative, enabled when no
  /// guard holds. The step offers one choice per alternative; choice `c` takes the first enabled
  /// alternative from `c` on, wrapping around, and writes its index to `chosen`. Blocked while no
  /// alternative is enabled. (A choice count that changed with the guards would step outside the
  /// engine's contract; see `Machine.selectAlternative`.)
  case selectEnd(guards: Int32, count: Int32, chosen: Int32, hasElse: Bool)
}

enum UnaryOp: Sendable { case negate, not, complement, toBool }

enum BinaryOp: Sendable {
  case add, subtract, multiply, divide, remainder, and, or, xor, shiftLeft, shiftRight
  case equal, notEqual, less, lessEqual, greater, greaterEqual
}

enum CheckKind: Sendable, Equatable {
  /// `assert(c)` / `BUG_ON(!c)`: fires when the condition is false; stops the thread.
  case assert
  /// `BUG_ON(c)`: fires when true; stops the thread.
  case bugOn
  /// `WARN_ON(c)`: fires when true; the thread goes on.
  case warnOn
  /// `KVM_BUG_ON(c)`: fires when true, sets `kvm_vm_bugged`; the thread goes on.
  case kvmBugOn
  /// `TDX_BUG_ON(err)`: a SEAMCALL error on a fatal path; fires when non-zero, raises
  /// `tdx-error` and sets `kvm_vm_bugged`; the thread goes on.
  case tdxBugOn
  /// `DIVERGENCE_ON(c)` and its siblings: a model invariant; fires when true and raises the
  /// named violation kind; the thread goes on.
  case invariant(InvariantKind)

  /// Whether a firing check sets `kvm_vm_bugged`.
  var bugsVM: Bool { self == .kvmBugOn || self == .tdxBugOn }

  func fires(_ v: Value) -> Bool { self == .assert ? !v.isTrue : v.isTrue }
}

/// The violation kind a model invariant check raises.
///
/// An enum rather than the kind's string, so that `Op` holds no reference: the interpreter
/// copies an `Op` out of the program for every instruction, and a string in one case made every
/// copy an outlined, reference-counting one.
enum InvariantKind: String, Sendable {
  case divergence
  case frozenLeftover = "frozen-leftover"
  case zapPolicy = "zap-policy"
  case useAfterFree = "use-after-free"
  case lockMisuse = "lock-misuse"
  case race
}
