import Explorer

/// A loaded spec plus one scenario, as the Explorer sees it.
///
/// Each thread is parked at its next visible step: after every step the thread's local code runs
/// eagerly up to the next scheduling point, so `status` only looks at the parked instruction and
/// the shared cells it touches. Shared cells are object ids `0..<cells.count`.
public struct ScenarioSystem: TransitionSystem {
  /// Runs the code; it holds the steps run inside the step before them (see InvisibleSteps).
  private(set) var machine: Machine
  let scenario: CompiledScenario
  let plainRaces: PlainRaces
  /// The builtin `rcu_read_unlock`, which the plain-race check treats as a release.
  let rcuReadUnlock: Int32?
  public let initialState: State
  /// The scenario this system runs.
  public let info: ScenarioInfo
  /// A violation the `init` block raised; reported at the end of every execution.
  let initViolation: Violation?
  /// The invisible steps each thread ran before its first visible step, by pc.
  let invisibleAtStart: [[Int32]]
  /// The dead slots to zero at each scheduling point, if any (see LiveSlots).
  let liveSlots: LiveSlots?
  /// The steps already run, by their inputs (nil when the plain-race clocks are an input too).
  private(set) var memo: StepMemo?
  /// The final states already checked, with their verdicts.
  private(set) var finalMemo: FinalCheckMemo?
  /// The names `checkFinal` hands the final checks, and the cells that hold a lock or RCU
  /// state, made once: an execution's end must not build strings (DPOR ends thousands).
  private(set) var cellNames: [String]
  private(set) var threadNames: [String]
  private(set) var lockCells: [(cell: Int, kind: CellInfo.Kind)]

  /// With `pointers`, the steps no other thread can conflict with run inside the step before
  /// them (see InvisibleSteps); without, every scheduling point is a step.
  init(
    program: Program, scenario: CompiledScenario, info: ScenarioInfo, loopBounds: Bool,
    pointers: PointerAnalysis? = nil, liveSlots: LiveSlots? = nil, memoizesSteps: Bool = true
  ) {
    self.liveSlots = liveSlots
    let names = scenario.threads.map(\.name)
    self.threadNames = names
    self.cellNames = program.cells.map(\.name)
    self.lockCells = program.cells.enumerated().compactMap { cell, info in
      info.kind == .value ? nil : (cell, info.kind)
    }
    self.machine = Machine(
      program: program, threadNames: names, enforcesLoopBounds: loopBounds,
      invisibleSteps: pointers.map {
        InvisibleSteps(program: program, scenario: scenario, pointers: $0)
      })
    self.scenario = scenario
    self.info = info
    self.rcuReadUnlock =
      program.builtins.firstIndex { $0.name == "rcu_read_unlock" }.map(Int32.init)
    self.plainRaces = PlainRaces(
      program: program, threads: scenario.threads.map(\.function),
      cellNames: program.cells.map(\.name))
    var cells = SharedCells(program.initialCells)
    var initViolation: Violation? = nil
    if let initFunction = scenario.initFunction {
      var ts = Self.frame(program, function: initFunction, arguments: [])
      var footprint = Footprint()
      if case .completed(let v?) = machine.runInline(
        &ts, thread: -1, cells: &cells, end: -1, footprint: &footprint)
      {
        initViolation = v
      }
    }
    var threads: [HashedThread] = []
    var invisibleAtStart: [[Int32]] = []
    for (t, thread) in scenario.threads.enumerated() {
      var ts = Self.frame(program, function: thread.function, arguments: thread.arguments)
      var pcs: [Int32] = []
      var trial = (ts, cells)
      if machine.settle(&trial.0, thread: t, cells: &trial.1, record: { pcs.append($0) }) == nil {
        (ts, cells) = trial
      } else {
        // The last invisible step before the thread's first visible one raises a violation: make
        // it the first visible step, so that the trace shows the violation at a step.
        pcs.removeLast()
        machine.settle(&ts, thread: t, cells: &cells, invisibleLimit: pcs.count)
      }
      liveSlots?.zeroDead(&ts)
      threads.append(HashedThread(ts))
      invisibleAtStart.append(pcs)
    }
    self.invisibleAtStart = invisibleAtStart
    self.initViolation = initViolation
    initialState = State(
      cells: cells, threads: threads, happensBefore: plainRaces.initialState)
    memo = memoizesSteps && !plainRaces.isEnabled ? StepMemo() : nil
    finalMemo = memoizesSteps ? FinalCheckMemo() : nil
  }

  static func frame(_ program: Program, function: Int32, arguments: [Value]) -> ThreadState {
    let f = program.functions[Int(function)]
    var slots = [Value](repeating: .zero, count: Int(max(f.slotCount, Int32(arguments.count))))
    for (i, v) in arguments.enumerated() { slots[i] = v }
    return ThreadState(pc: f.entry, slots: slots)
  }

  var program: Program { machine.program }

  /// The same system on a copy of the program, for another thread of a parallel run: the copy's
  /// reference counts are that thread's alone (see `TransitionSystem.replica`).
  public func replica() -> ScenarioSystem {
    var copy = self
    copy.machine = machine.replica()
    copy.cellNames = cellNames.map { $0 }
    copy.threadNames = threadNames.map { $0 }
    copy.lockCells = lockCells.map { $0 }
    copy.memo = memo.map { _ in StepMemo() }
    copy.finalMemo = finalMemo.map { _ in FinalCheckMemo() }
    return copy
  }

  /// The same system with memos of `capacity` slots (tests: with one, every step and final
  /// check replaces the entry before it, and a hit is always a full comparison).
  func withMemos(capacity: Int) -> ScenarioSystem {
    var copy = self
    copy.memo = memo.map { _ in StepMemo(capacity: capacity) }
    copy.finalMemo = finalMemo.map { _ in FinalCheckMemo(capacity: capacity) }
    return copy
  }

  public var threadCount: Int { scenario.threads.count }

  /// The steps taken from the memo and those interpreted since the system was made (zero
  /// without a memo).
  public var memoizedSteps: (hits: Int, misses: Int) { memo?.counts ?? (0, 0) }

  public func threadName(_ thread: Int) -> String { scenario.threads[thread].name }

  public func status(of thread: Int, in state: State) -> StepStatus {
    // Through the buffer, the thread is borrowed in place: no copy, no retain of its slots.
    state.threads.withUnsafeBufferPointer {
      machine.status($0[thread].thread, thread: thread, cells: state.cells)
    }
  }

  public func execute(thread: Int, choice: Int, in state: inout State) -> Violation? {
    guard let memo else { return interpret(thread: thread, choice: choice, in: &state) }
    return memo.step(thread: thread, choice: choice, in: &state) {
      interpret(thread: thread, choice: choice, in: &$0)
    }
  }

  /// Runs the step by the interpreter.
  func interpret(thread: Int, choice: Int, in state: inout State) -> Violation? {
    var ts = ThreadState.empty
    swap(&ts, &state.threads[thread].thread)
    // Shares the slots with the state before the step (which the caller keeps): the hash is
    // updated from the slots that differ.
    let before = ts
    let violation: Violation?
    if plainRaces.isEnabled {
      violation = executeTrackingRaces(&ts, thread: thread, choice: choice, in: &state)
    } else {
      violation = machine.execute(&ts, thread: thread, choice: choice, cells: &state.cells)
    }
    liveSlots?.zeroDead(&ts)
    swap(&ts, &state.threads[thread].thread)
    state.threads[thread].rehash(from: before)
    return violation
  }

  public func checkFinal(_ state: State) -> Violation? {
    if let initViolation { return initViolation }
    if let verdict = finalMemo?.verdict(of: state) { return verdict }
    let violation = runFinalChecks(state)
    finalMemo?.store(violation, of: state)
    return violation
  }

  /// Runs the `finally` block, the spec's final checks and the lock checks on `state`.
  func runFinalChecks(_ state: State) -> Violation? {
    if let finallyFunction = scenario.finallyFunction {
      let results = scenario.finallyThreads.map { state.threads[$0].thread.result }
      var ts = Self.frame(program, function: finallyFunction, arguments: results)
      var cells = state.cells
      var footprint = Footprint()
      if case .completed(let v?) = machine.runInline(
        &ts, thread: -1, cells: &cells, end: -1, footprint: &footprint)
      {
        return v
      }
    }
    if !program.finalChecks.isEmpty {
      let context = FinalCheckContext(
        cells: state.cells.values, cellNames: cellNames,
        finished: state.threads.map { $0.thread.pc == -1 }, threadNames: threadNames)
      for check in program.finalChecks {
        if let violation = check(context) { return violation }
      }
    }
    // A thread that returned must not hold a lock or be inside an RCU read-side section.
    for (t, entry) in state.threads.enumerated() where entry.thread.pc == -1 {
      for (cell, kind) in lockCells {
        let bits = state.cells[cell].bits
        let held: Bool
        switch kind {
        case .value: held = false
        case .spinlock: held = bits == Int64(t) + 1
        case .rwlock:
          held =
            QueuedRWLock.isHeldForWrite(bits, by: t) || QueuedRWLock.isHeldForRead(bits, by: t)
        case .rcu: held = Library.rcuDepth(bits, t) != 0
        }
        if held {
          let what =
            kind == .rcu
            ? "inside an RCU read-side critical section" : "holding \(program.cells[cell].name)"
          return Violation(kind: "lock-misuse", message: "\(threadName(t)) returned \(what)")
        }
      }
    }
    return nil
  }

  /// Whether some thread stopped at a retry loop's `bound` (stateless strategies only): the
  /// execution is cut there, as at the depth bound; a loop past its bound is not a livelock.
  public func isCut(_ state: State) -> Bool {
    state.threads.contains { entry in
      let ts = entry.thread
      guard ts.pc >= 0, ts.fault == .none, Int(ts.pc) < program.ops.count else { return false }
      if case .loopCheck = program.ops[Int(ts.pc)] { return true }
      return false
    }
  }

  /// Whether the step `thread` is parked at belongs to a function marked `@progress`: cycles
  /// through such steps are not livelocks.
  public func isProgress(of thread: Int, in state: State) -> Bool {
    let ts = state.threads[thread].thread
    guard ts.pc >= 0, Int(ts.pc) < program.sites.count else { return false }
    let function = Int(program.sites[Int(ts.pc)].function)
    return program.functions.indices.contains(function) && program.functions[function].isProgress
  }
}
