import Explorer

/// The arguments of one builtin call, held inline so a call allocates nothing.
public struct BuiltinArguments: Sendable {
  public static let capacity = 8
  public private(set) var count: Int = 0
  private var storage: (Value, Value, Value, Value, Value, Value, Value, Value) = (
    .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero
  )

  public init() {}

  public subscript(_ i: Int) -> Value {
    switch i {
    case 0: return storage.0
    case 1: return storage.1
    case 2: return storage.2
    case 3: return storage.3
    case 4: return storage.4
    case 5: return storage.5
    case 6: return storage.6
    case 7: return storage.7
    default: return .zero
    }
  }

  public mutating func append(_ v: Value) {
    switch count {
    case 0: storage.0 = v
    case 1: storage.1 = v
    case 2: storage.2 = v
    case 3: storage.3 = v
    case 4: storage.4 = v
    case 5: storage.5 = v
    case 6: storage.6 = v
    case 7: storage.7 = v
    default: return
    }
    count += 1
  }
}

/// One call of a builtin as its implementation sees it.
public struct BuiltinCall: Sendable {
  /// The calling thread, `0..<threadCount`; -1 for `init` and `finally` blocks.
  public var thread: Int
  public var arguments: BuiltinArguments
  /// The nondeterministic choice the engine picked (0 unless `status` offered several).
  public var choice: Int

  /// The cell a pointer argument names, if it is a valid pointer into `memory`.
  public func cell(_ argument: Int, in memory: SharedCells) -> Int? {
    let v = arguments[argument]
    guard v.tag == .pointer, v.bits >= 0, v.bits < Int64(memory.count) else { return nil }
    return Int(v.bits)
  }
}

/// Whether a scheduling-point builtin can run, and what it touches.
public enum BuiltinStatus: Sendable {
  case enabled(Footprint, choices: Int)
  case blocked(Footprint)
}

/// What a builtin call did.
public struct BuiltinOutcome: Sendable {
  /// The call's value (ignored for `void` builtins).
  public var value: Value
  /// The new value of the `out` parameter (`&old` of `try_cmpxchg64`), if the builtin has one.
  public var out: Value?
  /// A violation the call raised: kind and a short reason. The interpreter adds the thread, the
  /// operation and its location.
  public var violation: Violation?
  /// Whether the thread stops after the call (a failed `assert`, a `BUG()`).
  public var stopsThread: Bool
  /// Whether the thread stays at the call, to run it again as its next step: the first step of
  /// a two-phase builtin (a writer queuing on a held rwlock, see `QueuedRWLock`).
  public var repeats = false

  public init(
    value: Value = .zero, out: Value? = nil, violation: Violation? = nil, stopsThread: Bool = false
  ) {
    self.value = value
    self.out = out
    self.violation = violation
    self.stopsThread = stopsThread
  }
}

/// A builtin function: its signature for the checker, and its semantics for the interpreter.
///
/// Every builtin, generic (`READ_ONCE`, `spin_lock`) or domain (`tdh_mem_page_aug`), goes
/// through this one description. A scheduling-point builtin is one visible step: `status`
/// says whether it can run in the current shared memory and which cells it touches, and
/// `execute` runs it. A builtin that is not a scheduling point is local computation and must not
/// touch shared memory that other threads can change (it may read cells only the calling thread
/// changes, such as its own bit of a lock).
public struct Builtin: Sendable {
  public enum ParameterMode: Sendable, Hashable {
    /// An ordinary value.
    case value
    /// A shared location: a shared variable, `a[i]`, `*p` or a pointer; passed as a pointer.
    case location
    /// An out-parameter written as `&local`; the local's value goes in, `BuiltinOutcome.out` comes back.
    case out
    /// A lock of the given type, written `l` or `&l`; passed as a pointer to its cell.
    case lock(SpecType)
  }

  public struct Parameter: Sendable {
    public var name: String
    public var type: SpecType
    public var mode: ParameterMode
    public init(_ name: String, _ type: SpecType, _ mode: ParameterMode = .value) {
      self.name = name
      self.type = type
      self.mode = mode
    }
  }

  /// How the builtin touches shared memory, for the race check of a later issue.
  public enum Access: String, Sendable {
    case none, plain, marked, atomic, lock, rcu
  }

  public var name: String
  public var parameters: [Parameter]
  /// Extra trailing arguments of the last parameter's type are allowed (up to the capacity).
  public var isVariadic: Bool
  public var result: SpecType
  public var isSchedulingPoint: Bool
  public var access: Access
  /// Whether the builtin may run only inside a thread (not in `init`, `finally`, or `atomic`).
  public var threadOnly: Bool
  /// Whether the builtin offers several choices (not allowed inside `atomic` or `await`).
  public var isNondeterministic: Bool
  public var status: @Sendable (BuiltinCall, SharedCells) -> BuiltinStatus
  /// Whether the first parameter is a shared location the builtin accesses.
  public var hasLocation: Bool { parameters.first?.mode == .location }
  public var execute: @Sendable (BuiltinCall, inout SharedCells) -> BuiltinOutcome
  /// Set only by the standard library's loads and stores, which the interpreter runs inline.
  var fastPath: FastPath = .none
  /// Implicit objects (such as the RCU state) the builtin always writes besides its arguments,
  /// for the fixed footprint of an `atomic` region that calls it.
  var implicitWrites: [Int] = []
  /// What `status` can put in a footprint, for the static analysis of invisible steps (see
  /// InvisibleSteps); nil when unknown, which the analysis takes as "may touch anything".
  var footprintRule: FootprintRule? = nil

  /// The builtin with its footprint rule.
  func with(_ rule: FootprintRule) -> Builtin {
    var builtin = self
    builtin.footprintRule = rule
    return builtin
  }

  /// The accesses a scheduling-point builtin can make: its location or lock arguments in one
  /// mode, plus fixed objects (the RCU state). A footprint `status` returns never holds more.
  struct FootprintRule: Sendable {
    /// The mode of every `.location` and `.lock` argument.
    var argumentMode: AccessMode
    var implicit: [(object: Int, mode: AccessMode)] = []
  }

  /// How the interpreter may run the builtin without calling its closures: loads and stores
  /// entirely; lock operations for `status` only (blocked-ness and footprint).
  enum FastPath: UInt8, Sendable {
    /// `writeAcquire` is `write_lock`, whose status and steps follow `QueuedRWLock`.
    case none, load, store, acquire, writeAcquire, sharedAcquire, release, sharedRelease
  }

  public init(
    name: String, parameters: [Parameter], isVariadic: Bool = false, result: SpecType,
    isSchedulingPoint: Bool, access: Access = .none, threadOnly: Bool = false,
    isNondeterministic: Bool = false,
    status: @escaping @Sendable (BuiltinCall, SharedCells) -> BuiltinStatus = { _, _ in
      .enabled(.empty, choices: 1)
    },
    execute: @escaping @Sendable (BuiltinCall, inout SharedCells) -> BuiltinOutcome
  ) {
    self.name = name
    self.parameters = parameters
    self.isVariadic = isVariadic
    self.result = result
    self.isSchedulingPoint = isSchedulingPoint
    self.access = access
    self.threadOnly = threadOnly
    self.isNondeterministic = isNondeterministic
    self.status = status
    self.execute = execute
  }
}
