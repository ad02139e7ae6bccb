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

/// Where an instruction came from, for traces and messages.
struct Site: Sendable {
  var location: SourceLocation
  /// The source text of the operation (`try_cmpxchg64(sptep, &old, FROZEN_SPTE)`).
  var text: String
  var function: Int32
}

struct CompiledFunction: Sendable {
  var name: String
  var location: SourceLocation
  var kernel: KernelReference?
  /// Whether the function's steps count as progress (`@progress`).
  var isProgress = false
  var entry: Int32
  var slotCount: Int32
  var parameterCount: Int
}

/// A shared cell as traces name it.
struct CellInfo: Sendable {
  enum Kind: Sendable { case value, rwlock, spinlock, rcu }
  var name: String
  var kind: Kind
}

struct CompiledThread: Sendable {
  var name: String
  var function: Int32
  var arguments: [Value]
}

struct CompiledScenario: Sendable {
  var name: String
  var location: SourceLocation
  var expectation: Expectation
  var threads: [CompiledThread]
  var initFunction: Int32?
  var finallyFunction: Int32?
  /// The threads whose return values `finally` sees, in parameter order.
  var finallyThreads: [Int] = []
}

/// A compiled program: the base model, or a variant of it, with its scenarios.
final class Program: Sendable {
  let name: String
  let ops: [Op]
  let sites: [Site]
  let functions: [CompiledFunction]
  let builtins: [Builtin]
  let cells: [CellInfo]
  let initialCells: [Value]
  let scenarios: [CompiledScenario]
  let vmBuggedCell: Int
  let finalChecks: [@Sendable (FinalCheckContext) -> Violation?]
  /// Whether racing plain accesses are violations (`Library.checksPlainRaces`).
  let checksPlainRaces: Bool
  /// For `atomic` and `await` regions whose accesses are all direct: every access they may
  /// make, keyed by the pc of the region's first instruction.
  let staticFootprints: [Int32: Footprint]
  /// The fixed footprint of each `atomic` and `await` region, by the index of its first op.
  let regionFootprints: [Int32: RegionFootprint]
  /// Per builtin, split out so the hot path touches one closure, not a whole `Builtin`.
  let fastPaths: [Builtin.FastPath]
  /// `Builtin.hasLocation` and `Builtin.access` per builtin: reading them through `builtins`
  /// copies a whole `Builtin` (strings, arrays, closures) on every step.
  let hasLocation: [Bool]
  let accesses: [Builtin.Access]
  let statusFunctions: [@Sendable (BuiltinCall, SharedCells) -> BuiltinStatus]
  let executeFunctions: [@Sendable (BuiltinCall, inout SharedCells) -> BuiltinOutcome]

  init(
    name: String, ops: [Op], sites: [Site], functions: [CompiledFunction], builtins: [Builtin],
    cells: [CellInfo], initialCells: [Value], scenarios: [CompiledScenario], vmBuggedCell: Int,
    finalChecks: [@Sendable (FinalCheckContext) -> Violation?],
    staticFootprints: [Int32: Footprint] = [:], regionFootprints: [Int32: RegionFootprint] = [:],
    checksPlainRaces: Bool = false
  ) {
    self.checksPlainRaces = checksPlainRaces
    self.regionFootprints = regionFootprints
    self.staticFootprints = staticFootprints
    self.finalChecks = finalChecks
    self.fastPaths = builtins.map(\.fastPath)
    self.hasLocation = builtins.map(\.hasLocation)
    self.accesses = builtins.map(\.access)
    self.statusFunctions = builtins.map(\.status)
    self.executeFunctions = builtins.map(\.execute)
    self.name = name
    self.ops = ops
    self.sites = sites
    self.functions = functions
    self.builtins = builtins
    self.cells = cells
    self.initialCells = initialCells
    self.scenarios = scenarios
    self.vmBuggedCell = vmBuggedCell
  }

  /// An equal program that shares no array buffer with this one (see
  /// `TransitionSystem.replica`).
  func replica() -> Program {
    func fresh<T>(_ array: [T]) -> [T] { array.map { $0 } }
    return Program(
      name: name, ops: fresh(ops), sites: fresh(sites), functions: fresh(functions),
      builtins: fresh(builtins), cells: fresh(cells), initialCells: fresh(initialCells),
      scenarios: fresh(scenarios), vmBuggedCell: vmBuggedCell, finalChecks: fresh(finalChecks),
      staticFootprints: staticFootprints.mapValues { $0 },
      regionFootprints: regionFootprints.mapValues { $0 }, checksPlainRaces: checksPlainRaces)
  }
}
