import Explorer

/// The machine: runs compiled code for one thread against shared memory.
struct Machine: Sendable {
  let program: Program
  let threadNames: [String]
  /// Whether `bound N` loops count their iterations. A stateful search turns this off: a retry
  /// loop then returns to the states it came from, and livelocks show as cycles.
  var enforcesLoopBounds = true
  /// The steps `settle` runs at once instead of parking at them (see InvisibleSteps).
  var invisibleSteps: InvisibleSteps? = nil
  static let maxCallDepth: Int32 = 64
  static let fuel = 1_000_000

  /// An equal machine that shares no storage with this one (see `TransitionSystem.replica`).
  func replica() -> Machine {
    Machine(
      program: program.replica(), threadNames: threadNames.map { $0 },
      enforcesLoopBounds: enforcesLoopBounds, invisibleSteps: invisibleSteps?.replica())
  }

  func name(_ thread: Int) -> String {
    thread >= 0 && thread < threadNames.count ? threadNames[thread] : "scenario"
  }

  /// The violation message for a step of `thread` at `pc`.
  func message(_ thread: Int, _ pc: Int32, _ reason: String) -> String {
    let site = program.sites[Int(pc)]
    let function =
      program.functions.indices.contains(Int(site.function))
      ? program.functions[Int(site.function)].name : "?"
    if thread < 0 { return "\(function) at \(site.location): \(reason)" }
    return "\(name(thread)) in \(function) at \(site.location): \(reason)"
  }

  // MARK: Local execution

  /// Runs local instructions, and the invisible steps among the scheduling points, until the
  /// thread is parked at a visible step or ends. Returns the violation an invisible step raised;
  /// after one, the next scheduling point parks, so that a later violation has a step of its own.
  ///
  /// The first scheduling point after the check of a retry loop always parks, so that each
  /// iteration of a retry loop keeps a visible step (see InvisibleSteps); so does the one after
  /// `invisibleLimit` invisible steps.
  @discardableResult
  func settle(
    _ ts: inout ThreadState, thread: Int, cells: inout SharedCells, runsInvisibleSteps: Bool = true,
    invisibleLimit: Int = .max, record: ((Int32) -> Void)? = nil
  ) -> Violation? {
    var fuel = Machine.fuel
    var invisibleRun = 0
    var violation: Violation? = nil
    var parksAtNextPoint = !runsInvisibleSteps
    let ops = program.ops
    while ts.pc >= 0 {
      fuel -= 1
      if fuel == 0 {
        ts.fault = .outOfFuel
        return violation
      }
      switch ops[Int(ts.pc)] {
      case .visible, .atomicBegin, .awaitBegin:
        // An invisible step runs now, if it can run and has no choice to offer.
        guard violation == nil, !parksAtNextPoint, invisibleRun < invisibleLimit,
          invisibleSteps?.contains(thread: thread, pc: ts.pc) == true,
          case .enabled(_, let choices) = status(ts, thread: thread, cells: cells), choices == 1
        else { return violation }
        record?(ts.pc)
        invisibleRun += 1
        var touched = Footprint()
        violation = perform(&ts, thread: thread, choice: 0, cells: &cells, touched: &touched)
      case .check(let kind, let condition):
        if kind.fires(ts.slots[Int(ts.base + condition)]) { return violation }
        ts.pc += 1
      case .loopCheck(let counter, let bound, let isRetry):
        if !enterIteration(&ts, counter: counter, bound: bound) { return violation }
        parksAtNextPoint = parksAtNextPoint || isRetry
      case .atomicEnd, .awaitEnd, .selectEnd:
        ts.pc += 1
      case .call, .ret, .local:
        if !local(ops[Int(ts.pc)], &ts, thread: thread, cells: cells) { return violation }
      default:
        if !runFrameLocal(&ts, fuel: &fuel) { return violation }
      }
    }
    return violation
  }

  /// Runs one local instruction; false when it faulted (the thread then parks on the fault).
  @inline(__always)
  func local(_ op: Op, _ ts: inout ThreadState, thread: Int, cells: SharedCells) -> Bool {
    let base = ts.base
    switch op {
    case .constant(let dst, let value):
      ts[Int(base + dst)] = value
    case .move(let dst, let src):
      ts[Int(base + dst)] = ts.slots[Int(base + src)]
    case .unary(let op, let dst, let src):
      ts[Int(base + dst)] = Interpreter.unary(op, ts.slots[Int(base + src)])
    case .binary(let op, let dst, let a, let b):
      guard let v = Interpreter.binary(op, ts.slots[Int(base + a)], ts.slots[Int(base + b)]) else {
        ts.fault = .divisionByZero
        return false
      }
      ts[Int(base + dst)] = v
    case .jump(let target):
      ts.pc = target
      return true
    case .branchFalse(let condition, let target):
      ts.pc = ts.slots[Int(base + condition)].isTrue ? ts.pc + 1 : target
      return true
    case .branchTrue(let condition, let target):
      ts.pc = ts.slots[Int(base + condition)].isTrue ? target : ts.pc + 1
      return true
    case .element(let dst, let cellBase, let length, let index):
      let i = ts.slots[Int(base + index)].bits
      guard i >= 0, i < Int64(length) else {
        ts.fault = .indexOutOfBounds
        ts.faultDetail = i
        return false
      }
      ts[Int(base + dst)] = .pointer(Int(cellBase) + Int(i))
    case .call(let function, let argumentBase, let argumentCount, let dst):
      guard ts.depth < Machine.maxCallDepth else {
        ts.fault = .recursionTooDeep
        return false
      }
      let f = Int(function)
      ts.pushFrame(
        size: Int(max(program.slotCounts[f], argumentCount)), argumentBase: argumentBase,
        arguments: Int(argumentCount), returnPc: ts.pc + 1, dst: dst)
      ts.pc = program.entries[f]
      return true
    case .ret(let src):
      let value = src >= 0 ? ts.slots[Int(base + src)] : .zero
      guard let resume = ts.popFrame(returning: value) else {
        // The thread returned: keep only its result, for `finally`.
        ts.finish(pc: -1, keeping: [value])
        return true
      }
      ts.pc = resume
      return true
    case .local(let builtin, let argumentBase, let argumentCount, let dst, let out):
      let call = makeCall(
        ts, thread: thread, argumentBase: argumentBase, argumentCount: argumentCount, choice: 0)
      var scratch = cells
      let outcome = program.executeFunctions[Int(builtin)](call, &scratch)
      // A local builtin's violation (a lockdep assertion) needs a step of its own: park here.
      if outcome.violation != nil { return false }
      if dst >= 0 { ts[Int(base + dst)] = outcome.value }
      if out >= 0, let v = outcome.out { ts[Int(base + out)] = v }
    default:
      break
    }
    ts.pc += 1
    return true
  }

  @inline(__always)
  func makeCall(
    _ ts: ThreadState, thread: Int, argumentBase: Int32, argumentCount: Int32, choice: Int
  ) -> BuiltinCall {
    var arguments = BuiltinArguments()
    let start = Int(ts.base + argumentBase)
    for i in 0..<Int(argumentCount) { arguments.append(ts.slots[start + i]) }
    return BuiltinCall(thread: thread, arguments: arguments, choice: choice)
  }

  /// Runs a builtin that reads the shared cells but changes only thread-local slots (a lockdep
  /// assertion, for one): any writes it makes go to a scratch copy. Returns its violation, if any.
  func runLocalBuiltin(
    _ builtin: Int32, _ argumentBase: Int32, _ argumentCount: Int32, _ dst: Int32, _ out: Int32,
    _ ts: inout ThreadState, thread: Int, pc: Int32, cells: SharedCells
  ) -> Violation? {
    let call = makeCall(
      ts, thread: thread, argumentBase: argumentBase, argumentCount: argumentCount, choice: 0)
    var scratch = cells
    let outcome = program.executeFunctions[Int(builtin)](call, &scratch)
    if dst >= 0 { ts[Int(ts.base + dst)] = outcome.value }
    if out >= 0, let v = outcome.out { ts[Int(ts.base + out)] = v }
    guard let v = outcome.violation else { return nil }
    return Violation(
      kind: v.kind, message: message(thread, pc, "\(program.sites[Int(pc)].text): \(v.message)"))
  }
}
