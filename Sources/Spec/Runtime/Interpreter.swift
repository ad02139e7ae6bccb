import Explorer

/// The arithmetic of the language, shared by the interpreter and the constant folder.
enum Interpreter {
  /// `nil` for a division by zero.
  @inline(__always)
  static func binary(_ op: BinaryOp, _ a: Value, _ b: Value) -> Value? {
    let x = a.bits
    let y = b.bits
    switch op {
    case .add: return .int(x &+ y)
    case .subtract: return .int(x &- y)
    case .multiply: return .int(x &* y)
    case .divide:
      if y == 0 { return nil }
      return .int(x == .min && y == -1 ? x : x / y)
    case .remainder:
      if y == 0 { return nil }
      return .int(x == .min && y == -1 ? 0 : x % y)
    case .and: return .int(x & y)
    case .or: return .int(x | y)
    case .xor: return .int(x ^ y)
    case .shiftLeft: return .int(y >= 0 && y < 64 ? x << y : 0)
    case .shiftRight: return .int(y >= 0 && y < 64 ? x >> y : (x < 0 ? -1 : 0))
    case .equal: return .bool(a.equals(b))
    case .notEqual: return .bool(!a.equals(b))
    case .less: return .bool(x < y)
    case .lessEqual: return .bool(x <= y)
    case .greater: return .bool(x > y)
    case .greaterEqual: return .bool(x >= y)
    }
  }

  @inline(__always)
  static func unary(_ op: UnaryOp, _ a: Value) -> Value {
    switch op {
    case .negate: return .int(0 &- a.bits)
    case .not: return .bool(a.bits == 0)
    case .complement: return .int(~a.bits)
    case .toBool: return .bool(a.bits != 0)
    }
  }
}

/// Why a thread stopped with a runtime error of the spec (reported as `spec-error`).
enum Fault: UInt8, Sendable {
  case none = 0
  case indexOutOfBounds
  case divisionByZero
  case recursionTooDeep
  case outOfFuel
  case badChoice
}

/// One thread's private state: where it is parked and its frames, as flat arrays.
struct ThreadState: Hashable, Sendable {
  /// The instruction the thread is parked at; `-1` when it returned, `-2` when it was stopped
  /// by a failed `assert`, `BUG_ON`, a loop bound or a runtime error.
  var pc: Int32
  /// The start of the current frame in `slots`.
  var base: Int32
  var fault: Fault
  /// The offending value of a fault (an index), for its message.
  var faultDetail: Int64
  var slots: [Value]
  /// The callers' frames: return pc, frame base and result slot (absolute), packed.
  var frames: [Frame]

  struct Frame: Hashable, Sendable {
    var returnPc: Int32
    var base: Int32
    var dst: Int32
  }

  static let empty = ThreadState(
    pc: -1, base: 0, fault: .none, faultDetail: 0, slots: [], frames: [])

  var isRunning: Bool { pc >= 0 }

  /// The value the thread's function returned (zero unless it returned).
  var result: Value { pc == -1 ? slots.first ?? .zero : .zero }
}

/// What running a region inline (an `atomic` block, an `await`, `init`, `finally`) did.
enum InlineResult {
  case completed(Violation?)
  case blocked
}

/// The machine: runs compiled code for one thread against shared memory.
struct Machine: Sendable {
  let program: Program
  let threadNames: [String]
  /// Whether `bound N` loops count their iterations. A stateful search turns this off: a retry
  /// loop then returns to the states it came from, and livelocks show as cycles.
  var enforcesLoopBounds = true
  /// The steps `settle` runs at once instead of parking at them (see InvisibleSteps).
  var invisibleSteps: InvisibleSteps? = nil
  static let maxCallDepth = 64
  static let fuel = 1_000_000

  /// An equal machine that shares no storage with this one (see `TransitionSystem.replica`).
  func replica() -> Machine {
    Machine(
      program: program.replica(), threadNames: threadNames.map { $0 },
      enforcesLoopBounds: enforcesLoopBounds, invisibleSteps: invisibleSteps?.replica())
  }

  private func name(_ thread: Int) -> String {
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
      case .atomicEnd, .awaitEnd:
        ts.pc += 1
      case let op:
        if !local(op, &ts, thread: thread, cells: cells) { return violation }
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
      ts.slots[Int(base + dst)] = value
    case .move(let dst, let src):
      ts.slots[Int(base + dst)] = ts.slots[Int(base + src)]
    case .unary(let op, let dst, let src):
      ts.slots[Int(base + dst)] = Interpreter.unary(op, ts.slots[Int(base + src)])
    case .binary(let op, let dst, let a, let b):
      guard let v = Interpreter.binary(op, ts.slots[Int(base + a)], ts.slots[Int(base + b)]) else {
        ts.fault = .divisionByZero
        return false
      }
      ts.slots[Int(base + dst)] = v
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
      ts.slots[Int(base + dst)] = .pointer(Int(cellBase) + Int(i))
    case .call(let function, let argumentBase, let argumentCount, let dst):
      guard ts.frames.count < Machine.maxCallDepth else {
        ts.fault = .recursionTooDeep
        return false
      }
      let callee = program.functions[Int(function)]
      let newBase = Int32(ts.slots.count)
      ts.slots.append(
        contentsOf: repeatElement(.zero, count: Int(max(callee.slotCount, argumentCount))))
      for i in 0..<Int(argumentCount) {
        ts.slots[Int(newBase) + i] = ts.slots[Int(base + argumentBase) + i]
      }
      ts.frames.append(
        ThreadState.Frame(returnPc: ts.pc + 1, base: base, dst: dst < 0 ? -1 : base + dst))
      ts.base = newBase
      ts.pc = callee.entry
      return true
    case .ret(let src):
      let value = src >= 0 ? ts.slots[Int(base + src)] : .zero
      guard let frame = ts.frames.popLast() else {
        // The thread returned: keep only its result, for `finally`.
        ts.pc = -1
        ts.slots = [value]
        ts.base = 0
        return true
      }
      ts.slots.removeSubrange(Int(base)...)
      ts.base = frame.base
      if frame.dst >= 0 { ts.slots[Int(frame.dst)] = value }
      ts.pc = frame.returnPc
      return true
    case .local(let builtin, let argumentBase, let argumentCount, let dst, let out):
      let call = makeCall(
        ts, thread: thread, argumentBase: argumentBase, argumentCount: argumentCount, choice: 0)
      var scratch = cells
      let outcome = program.executeFunctions[Int(builtin)](call, &scratch)
      // A local builtin's violation (a lockdep assertion) needs a step of its own: park here.
      if outcome.violation != nil { return false }
      if dst >= 0 { ts.slots[Int(base + dst)] = outcome.value }
      if out >= 0, let v = outcome.out { ts.slots[Int(base + out)] = v }
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
    if dst >= 0 { ts.slots[Int(ts.base + dst)] = outcome.value }
    if out >= 0, let v = outcome.out { ts.slots[Int(ts.base + out)] = v }
    guard let v = outcome.violation else { return nil }
    return Violation(
      kind: v.kind, message: message(thread, pc, "\(program.sites[Int(pc)].text): \(v.message)"))
  }

  // MARK: Visible steps

  func faultMessage(_ ts: ThreadState) -> String {
    switch ts.fault {
    case .none: return "runtime error"
    case .indexOutOfBounds: return "index \(ts.faultDetail) is out of bounds"
    case .divisionByZero: return "division by zero"
    case .recursionTooDeep:
      return "calls nested more than \(Machine.maxCallDepth) deep (unbounded recursion?)"
    case .outOfFuel:
      return "local computation ran \(Machine.fuel) instructions without reaching a visible step"
    case .badChoice: return "choose inside an atomic block"
    }
  }

  /// The status of the step the thread is parked at.
  func status(_ ts: ThreadState, thread: Int, cells: SharedCells) -> StepStatus {
    guard ts.pc >= 0 else { return .finished }
    if ts.fault != .none { return .enabled(.empty, choices: 1) }
    switch program.ops[Int(ts.pc)] {
    case .visible(let builtin, let argumentBase, let argumentCount, _, _):
      switch program.fastPaths[Int(builtin)] {
      case .load, .store:
        var footprint = Footprint()
        let p = ts.slots[Int(ts.base + argumentBase)]
        if p.tag == .pointer, p.bits >= 0, p.bits < Int64(cells.count) {
          footprint.insert(
            object: Int(p.bits), mode: program.fastPaths[Int(builtin)] == .load ? .read : .write)
        }
        return .enabled(footprint, choices: 1)
      case .acquire, .sharedAcquire, .release, .sharedRelease:
        // Locks: must agree with `Library.lockBuiltins` (spinlock and rwlock cell encodings).
        let p = ts.slots[Int(ts.base + argumentBase)]
        guard p.tag == .pointer, p.bits >= 0, p.bits < Int64(cells.count) else {
          return .enabled(.empty, choices: 1)
        }
        let cell = Int(p.bits)
        var footprint = Footprint()
        switch program.fastPaths[Int(builtin)] {
        case .acquire:
          footprint.insert(object: cell, mode: .acquire)
          return cells[cell].bits != 0 ? .blocked(footprint) : .enabled(footprint, choices: 1)
        case .sharedAcquire:
          footprint.insert(object: cell, mode: .sharedAcquire)
          return cells[cell].bits & Library.writerBit != 0
            ? .blocked(footprint) : .enabled(footprint, choices: 1)
        case .sharedRelease:
          footprint.insert(object: cell, mode: .sharedRelease)
          return .enabled(footprint, choices: 1)
        default:
          footprint.insert(object: cell, mode: .release)
          return .enabled(footprint, choices: 1)
        }
      case .none: break
      }
      let call = makeCall(
        ts, thread: thread, argumentBase: argumentBase, argumentCount: argumentCount, choice: 0)
      switch program.statusFunctions[Int(builtin)](call, cells) {
      case .enabled(let footprint, let choices):
        return .enabled(footprint, choices: max(choices, 1))
      case .blocked(let footprint): return .blocked(footprint)
      }
    case .check(let kind, _):
      if kind.bugsVM {
        return .enabled(Footprint([(program.vmBuggedCell, .write)]), choices: 1)
      }
      return .enabled(.empty, choices: 1)
    case .atomicBegin(let end), .awaitBegin(let end):
      // An atomic block that takes no lock is always enabled, and its footprint is fixed: no
      // need to run it to find out (see RegionFootprint).
      if case .atomicBegin = program.ops[Int(ts.pc)], let region = program.regionFootprints[ts.pc],
        !region.fixed.canBlock
      {
        return .enabled(region.footprint(slots: ts.slots, base: ts.base, cellCount: cells.count), choices: 1)
      }
      var scratch = ts
      var memory = cells
      var footprint = Footprint()
      let isAwait: Bool
      if case .awaitBegin = program.ops[Int(ts.pc)] { isAwait = true } else { isAwait = false }
      scratch.pc += 1
      let result = runInline(
        &scratch, thread: thread, cells: &memory, end: end, footprint: &footprint)
      if let all = program.staticFootprints[ts.pc] { footprint.formUnion(all) }
      // The fixed footprint, not the one this path happened to touch (see RegionFootprint).
      if let region = program.regionFootprints[ts.pc] {
        footprint = region.footprint(slots: ts.slots, base: ts.base, cellCount: cells.count)
      }
      if isAwait { footprint.markBlocking() }
      if case .blocked = result { return .blocked(footprint) }
      return .enabled(footprint, choices: 1)
    default:
      return .enabled(.empty, choices: 1)
    }
  }

  private func stop(_ ts: inout ThreadState) {
    ts.pc = -2
    ts.slots = []
    ts.frames = []
    ts.base = 0
    ts.fault = .none
  }

  /// Runs the step the thread is parked at, then settles it at its next one.
  func execute(_ ts: inout ThreadState, thread: Int, choice: Int, cells: inout SharedCells)
    -> Violation?
  {
    var touched = Footprint()
    return execute(&ts, thread: thread, choice: choice, cells: &cells, touched: &touched)
  }

  /// The same; for an `atomic` or `await` region, `touched` receives the accesses it made (not
  /// its fixed footprint), for the race check of plain accesses.
  /// `record` receives the pc of each invisible step run after it, for traces.
  func execute(
    _ ts: inout ThreadState, thread: Int, choice: Int, cells: inout SharedCells,
    touched: inout Footprint, record: ((Int32) -> Void)? = nil
  ) -> Violation? {
    guard ts.pc >= 0 else { return nil }
    // A step reports one violation: after one, the thread parks at its next scheduling point
    // even if that is invisible, so that a later violation gets a step of its own.
    let violation = perform(&ts, thread: thread, choice: choice, cells: &cells, touched: &touched)
    let later = settle(
      &ts, thread: thread, cells: &cells, runsInvisibleSteps: violation == nil, record: record)
    return violation ?? later
  }

  /// Runs the step the thread is parked at, leaving it at the next instruction.
  private func perform(
    _ ts: inout ThreadState, thread: Int, choice: Int, cells: inout SharedCells,
    touched: inout Footprint
  ) -> Violation? {
    var violation: Violation? = nil
    if ts.fault != .none {
      violation = Violation(kind: "spec-error", message: message(thread, ts.pc, faultMessage(ts)))
      stop(&ts)
      return violation
    }
    let pc = ts.pc
    switch program.ops[Int(pc)] {
    case .visible(let builtin, let argumentBase, let argumentCount, let dst, let out):
      let fast = program.fastPaths[Int(builtin)]
      if fast == .load || fast == .store {
        let p = ts.slots[Int(ts.base + argumentBase)]
        if p.tag == .pointer, p.bits >= 0, p.bits < Int64(cells.count) {
          var race: Violation? = nil
          if fast == .load {
            if dst >= 0 { ts.slots[Int(ts.base + dst)] = cells[Int(p.bits)] }
          } else {
            let before = cells[Int(p.bits)]
            cells[Int(p.bits)] = ts.slots[Int(ts.base + argumentBase + 1)]
            race = frozenOwnership(Int(p.bits), before, &cells, thread: thread, pc: pc)
          }
          ts.pc += 1
          return race
        }
      }
      let call = makeCall(
        ts, thread: thread, argumentBase: argumentBase, argumentCount: argumentCount, choice: choice
      )
      let cell = program.hasLocation[Int(builtin)] ? call.cell(0, in: cells) : nil
      let before = cell.map { cells[$0] }
      let outcome = program.executeFunctions[Int(builtin)](call, &cells)
      if dst >= 0 { ts.slots[Int(ts.base + dst)] = outcome.value }
      if out >= 0, let v = outcome.out { ts.slots[Int(ts.base + out)] = v }
      if let v = outcome.violation {
        violation = Violation(
          kind: v.kind, message: message(thread, pc, "\(program.sites[Int(pc)].text): \(v.message)")
        )
      }
      if let cell, let before, let race = frozenOwnership(cell, before, &cells, thread: thread, pc: pc) {
        violation = violation ?? race
      }
      if outcome.stopsThread {
        stop(&ts)
        return violation
      }
      ts.pc += 1
    case .check(let kind, _):
      violation = checkViolation(kind, thread: thread, pc: pc, cells: &cells)
      if kind == .assert || kind == .bugOn {
        stop(&ts)
        return violation
      }
      ts.pc += 1
    case .loopCheck(_, let bound, _):
      violation = unboundedRetry(thread: thread, pc: pc, bound: bound)
      stop(&ts)
      return violation
    case .atomicBegin(let end), .awaitBegin(let end):
      ts.pc += 1
      switch runInline(&ts, thread: thread, cells: &cells, end: end, footprint: &touched) {
      case .completed(let v): violation = v
      case .blocked: break  // status said enabled; determinism rules this out
      }
      if ts.pc < 0 { return violation }
    case .local(let builtin, let argumentBase, let argumentCount, let dst, let out):
      // Parked here because the builtin raised a violation (a lockdep assertion).
      violation = runLocalBuiltin(
        builtin, argumentBase, argumentCount, dst, out, &ts, thread: thread, pc: pc, cells: cells)
      ts.pc += 1
    default:
      ts.pc += 1
    }
    return violation
  }

  /// Frozen is ownership (PROTOCOL.md §11, invariant 3): the thread whose write made an SPTE
  /// `FROZEN_SPTE` owns it, and only it may change it until it publishes or restores it.
  ///
  /// The owner is kept in the frozen value itself (`SPTE.argument`, thread + 1), which the
  /// language's `==` ignores, so specs compare with `FROZEN_SPTE` as the kernel does. Writing
  /// `FROZEN_SPTE` over a frozen SPTE changes nothing (`handle_removed_pt` waiting out a claimer).
  /// The check reads and writes only the cell the step accesses, so it needs no footprint of
  /// its own. Returns a `race` violation for a write by another thread.
  private func frozenOwnership(
    _ cell: Int, _ before: Value, _ cells: inout SharedCells, thread: Int, pc: Int32
  ) -> Violation? {
    let after = cells[cell]
    guard after != before else { return nil }
    let wasFrozen = before.tag == .spte && SPTE(before).kind == .frozen
    let isFrozen = after.tag == .spte && SPTE(after).kind == .frozen
    if wasFrozen && isFrozen {
      cells[cell] = before
      return nil
    }
    if isFrozen, thread >= 0 {
      cells[cell] = SPTE(kind: .frozen, argument: Int64(thread + 1)).value
    }
    guard wasFrozen else { return nil }
    let owner = Int(SPTE(before).argument) - 1
    guard owner >= 0, owner != thread else { return nil }
    return Violation(
      kind: "race",
      message: message(
        thread, pc,
        "\(program.sites[Int(pc)].text) writes \(program.cells[cell].name), which \(name(owner)) froze and still owns"))
  }

  /// Counts one more iteration of a `bound N` loop and moves past its check; `false`, leaving the
  /// thread at the check, when the iteration would pass the bound. Under the stateful search
  /// (`enforcesLoopBounds` off) iterations are not counted.
  private func enterIteration(_ ts: inout ThreadState, counter: Int32, bound: Int32) -> Bool {
    if enforcesLoopBounds {
      let index = Int(ts.base + counter)
      let count = ts.slots[index].bits + 1
      if count > Int64(bound) { return false }
      ts.slots[index] = .int(count)
    }
    ts.pc += 1
    return true
  }

  private func unboundedRetry(thread: Int, pc: Int32, bound: Int32) -> Violation {
    Violation(
      kind: "unbounded-retry",
      message: message(
        thread, pc,
        "\(program.sites[Int(pc)].text) passed its bound of \(bound) iteration\(bound == 1 ? "" : "s")"
      ))
  }

  private func checkViolation(_ kind: CheckKind, thread: Int, pc: Int32, cells: inout SharedCells)
    -> Violation
  {
    let text = program.sites[Int(pc)].text
    switch kind {
    case .assert:
      return Violation(kind: "assertion", message: message(thread, pc, "assertion failed: \(text)"))
    case .bugOn, .warnOn:
      return Violation(kind: "assertion", message: message(thread, pc, "\(text) fired"))
    case .kvmBugOn:
      cells[program.vmBuggedCell] = .bool(true)
      return Violation(
        kind: "assertion", message: message(thread, pc, "\(text) fired; the VM is bugged"))
    case .tdxBugOn:
      cells[program.vmBuggedCell] = .bool(true)
      return Violation(
        kind: "tdx-error", message: message(thread, pc, "\(text) fired; the VM is bugged"))
    case .invariant(let kind):
      return Violation(kind: kind.rawValue, message: message(thread, pc, "\(text) fired"))
    }
  }

  /// Runs from `ts.pc` until `end` in the same frame, executing visible steps immediately and
  /// collecting their footprints. Used for `atomic`, `await`, `init` and `finally`.
  func runInline(
    _ ts: inout ThreadState, thread: Int, cells: inout SharedCells, end: Int32,
    footprint: inout Footprint
  ) -> InlineResult {
    let depth = ts.frames.count
    var violation: Violation? = nil
    var fuel = Machine.fuel
    while ts.pc >= 0 {
      if ts.pc == end && ts.frames.count == depth { return .completed(violation) }
      fuel -= 1
      if fuel == 0 { ts.fault = .outOfFuel }
      if ts.fault != .none {
        let v = Violation(kind: "spec-error", message: message(thread, ts.pc, faultMessage(ts)))
        stop(&ts)
        return .completed(violation ?? v)
      }
      let pc = ts.pc
      switch program.ops[Int(pc)] {
      case .visible(let builtin, let argumentBase, let argumentCount, let dst, let out):
        // Loads and stores inline, as in `execute`: their status is always enabled.
        let fast = program.fastPaths[Int(builtin)]
        if fast == .load || fast == .store {
          let p = ts.slots[Int(ts.base + argumentBase)]
          if p.tag == .pointer, p.bits >= 0, p.bits < Int64(cells.count) {
            let cell = Int(p.bits)
            footprint.insert(object: cell, mode: fast == .load ? .read : .write)
            if fast == .load {
              if dst >= 0 { ts.slots[Int(ts.base + dst)] = cells[cell] }
            } else {
              let before = cells[cell]
              cells[cell] = ts.slots[Int(ts.base + argumentBase + 1)]
              if let race = frozenOwnership(cell, before, &cells, thread: thread, pc: pc) {
                violation = violation ?? race
              }
            }
            ts.pc += 1
            continue
          }
        }
        let call = makeCall(
          ts, thread: thread, argumentBase: argumentBase, argumentCount: argumentCount, choice: 0)
        switch program.statusFunctions[Int(builtin)](call, cells) {
        case .blocked(let f):
          footprint.formUnion(f)
          return .blocked
        case .enabled(let f, let choices):
          footprint.formUnion(f)
          if choices > 1 {
            ts.fault = .badChoice
            continue
          }
        }
        let cell = program.hasLocation[Int(builtin)] ? call.cell(0, in: cells) : nil
        let before = cell.map { cells[$0] }
        let outcome = program.executeFunctions[Int(builtin)](call, &cells)
        if dst >= 0 { ts.slots[Int(ts.base + dst)] = outcome.value }
        if out >= 0, let v = outcome.out { ts.slots[Int(ts.base + out)] = v }
        if let v = outcome.violation, violation == nil {
          violation = Violation(
            kind: v.kind,
            message: message(thread, pc, "\(program.sites[Int(pc)].text): \(v.message)"))
        }
        if let cell, let before,
          let race = frozenOwnership(cell, before, &cells, thread: thread, pc: pc)
        {
          violation = violation ?? race
        }
        if outcome.stopsThread {
          stop(&ts)
          return .completed(violation)
        }
        ts.pc += 1
      case .check(let kind, let condition):
        if kind.fires(ts.slots[Int(ts.base + condition)]) {
          if kind.bugsVM { footprint.insert(object: program.vmBuggedCell, mode: .write) }
          let v = checkViolation(kind, thread: thread, pc: pc, cells: &cells)
          if violation == nil { violation = v }
          if kind == .assert || kind == .bugOn {
            stop(&ts)
            return .completed(violation)
          }
        }
        ts.pc += 1
      case .loopCheck(let counter, let bound, _):
        if !enterIteration(&ts, counter: counter, bound: bound) {
          let v = unboundedRetry(thread: thread, pc: pc, bound: bound)
          stop(&ts)
          return .completed(violation ?? v)
        }
      case .awaitEnd(let condition):
        if !ts.slots[Int(ts.base + condition)].isTrue { return .blocked }
        ts.pc += 1
      case .atomicBegin, .awaitBegin, .atomicEnd:
        ts.pc += 1
      case .local(let builtin, let argumentBase, let argumentCount, let dst, let out):
        let v = runLocalBuiltin(
          builtin, argumentBase, argumentCount, dst, out, &ts, thread: thread, pc: pc, cells: cells)
        violation = violation ?? v
        ts.pc += 1
      case let op:
        _ = local(op, &ts, thread: thread, cells: cells)
      }
    }
    return .completed(violation)
  }
}
