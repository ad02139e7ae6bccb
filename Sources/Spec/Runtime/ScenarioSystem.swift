import Explorer

/// A loaded spec plus one scenario, as the Explorer sees it.
///
/// Each thread is parked at its next visible step: after every step the thread's local code runs
/// eagerly up to the next scheduling point, so `status` only looks at the parked instruction and
/// the shared cells it touches. Shared cells are object ids `0..<cells.count`.
public struct ScenarioSystem: TransitionSystem {
  /// The shared cells and every thread's private state: flat arrays of small values.
  public struct State: Hashable, Sendable {
    /// The shared cells, indexed by object id.
    public internal(set) var cells: SharedCells
    var threads: [HashedThread]
    /// Happens-before among the accesses the plain-race check tracks (empty when it tracks
    /// none; see PlainRaces).
    var happensBefore: PlainRaces.State = .empty

    /// The cells' two hash lanes (kept up to date on writes, see SharedCells), each thread's
    /// (computed once per step of that thread) and the plain-race check's words, then two words
    /// into the hasher: the synthesized hash fed each field to SipHash separately, a tenth of a
    /// DPOR step on the model. Two lanes keep the stateful search's fingerprints 128 bits wide.
    /// Equality stays field by field.
    public func hash(into hasher: inout Hasher) {
      var lanes = StateMixer(first: cells.laneA, second: cells.laneB)
      for thread in threads { lanes.mix(thread.laneA, thread.laneB) }
      let hb = happensBefore
      lanes.mix(
        UInt64(hb.present.count) | UInt64(hb.threads.count) << 21 | UInt64(hb.objects.count) << 42)
      for word in hb.present { lanes.mix(word) }
      for word in hb.threads { lanes.mix(word) }
      for word in hb.objects { lanes.mix(word) }
      hasher.combine(lanes.first)
      hasher.combine(lanes.second)
    }
  }

  /// A thread's state and the two hash lanes of its words.
  ///
  /// A step changes one thread, so the state's hash recomputes only that thread's lanes
  /// (`rehash`), not every thread's slots and frames. The lanes are a function of `thread`, so
  /// equality may compare them first, for a fast answer, and stays exact.
  struct HashedThread: Hashable, Sendable {
    private(set) var laneA: UInt64 = 0
    private(set) var laneB: UInt64 = 0
    var thread: ThreadState

    init(_ thread: ThreadState) {
      self.thread = thread
      rehash()
    }

    /// Every word of the thread through two multiply-xorshift lanes.
    mutating func rehash() {
      var lanes = StateMixer()
      lanes.mix(
        UInt64(UInt32(bitPattern: thread.pc)) | UInt64(UInt32(bitPattern: thread.base)) << 32)
      lanes.mix(
        UInt64(thread.fault.rawValue) | UInt64(thread.slots.count) << 8
          | UInt64(thread.frames.count) << 40)
      lanes.mix(UInt64(bitPattern: thread.faultDetail))
      for slot in thread.slots { lanes.mix(slot) }
      for frame in thread.frames {
        lanes.mix(
          UInt64(UInt32(bitPattern: frame.returnPc)) | UInt64(UInt32(bitPattern: frame.base)) << 32)
        lanes.mix(UInt64(UInt32(bitPattern: frame.dst)))
      }
      laneA = lanes.first
      laneB = lanes.second
    }

    static func == (lhs: HashedThread, rhs: HashedThread) -> Bool {
      lhs.laneA == rhs.laneA && lhs.laneB == rhs.laneB && lhs.thread == rhs.thread
    }

    func hash(into hasher: inout Hasher) {
      hasher.combine(laneA)
      hasher.combine(laneB)
    }
  }

  /// Two 64-bit hash lanes over a stream of words, with different constants.
  struct StateMixer {
    var first: UInt64 = 0x243F_6A88_85A3_08D3
    var second: UInt64 = 0x1319_8A2E_0370_7344

    @inline(__always) mutating func mix(_ word: UInt64) {
      first = (first ^ word) &* 0x9E37_79B9_7F4A_7C15
      first ^= first >> 31
      second = (second ^ word) &* 0xC2B2_AE3D_27D4_EB4F
      second ^= second >> 29
    }

    /// A different word into each lane.
    @inline(__always) mutating func mix(_ a: UInt64, _ b: UInt64) {
      first = (first ^ a) &* 0x9E37_79B9_7F4A_7C15
      first ^= first >> 31
      second = (second ^ b) &* 0xC2B2_AE3D_27D4_EB4F
      second ^= second >> 29
    }

    @inline(__always) mutating func mix(_ value: Value) {
      mix(UInt64(value.tag.rawValue))
      mix(UInt64(bitPattern: value.bits))
    }
  }

  /// What a thread's next visible step is, for traces.
  public struct StepInfo: Sendable, Hashable {
    public var function: String
    public var kernel: KernelReference?
    public var location: SourceLocation
    /// The operation as written, for example `try_cmpxchg64(sptep, &old, FROZEN_SPTE)`.
    public var operation: String
    /// How the step touches shared memory (`plain`, `marked`, `atomic`, `lock`, `rcu`, `none`),
    /// so that a race check can tell marked from plain accesses.
    public var access: Builtin.Access
  }

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
  private let invisibleAtStart: [[Int32]]

  /// With `pointers`, the steps no other thread can conflict with run inside the step before
  /// them (see InvisibleSteps); without, every scheduling point is a step.
  init(
    program: Program, scenario: CompiledScenario, info: ScenarioInfo, loopBounds: Bool,
    pointers: PointerAnalysis? = nil
  ) {
    let names = scenario.threads.map(\.name)
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
      threads.append(HashedThread(ts))
      invisibleAtStart.append(pcs)
    }
    self.invisibleAtStart = invisibleAtStart
    self.initViolation = initViolation
    initialState = State(
      cells: cells, threads: threads, happensBefore: plainRaces.initialState)
  }

  static func frame(_ program: Program, function: Int32, arguments: [Value]) -> ThreadState {
    let f = program.functions[Int(function)]
    var slots = [Value](repeating: .zero, count: Int(max(f.slotCount, Int32(arguments.count))))
    for (i, v) in arguments.enumerated() { slots[i] = v }
    return ThreadState(pc: f.entry, base: 0, fault: .none, faultDetail: 0, slots: slots, frames: [])
  }

  var program: Program { machine.program }

  /// The same system on a copy of the program, for another thread of a parallel run: the copy's
  /// reference counts are that thread's alone (see `TransitionSystem.replica`).
  public func replica() -> ScenarioSystem {
    var copy = self
    copy.machine = machine.replica()
    return copy
  }

  public var threadCount: Int { scenario.threads.count }

  public func threadName(_ thread: Int) -> String { scenario.threads[thread].name }

  public func status(of thread: Int, in state: State) -> StepStatus {
    machine.status(state.threads[thread].thread, thread: thread, cells: state.cells)
  }

  public func execute(thread: Int, choice: Int, in state: inout State) -> Violation? {
    var ts = ThreadState.empty
    swap(&ts, &state.threads[thread].thread)
    let violation: Violation?
    if plainRaces.isEnabled {
      violation = executeTrackingRaces(&ts, thread: thread, choice: choice, in: &state)
    } else {
      violation = machine.execute(&ts, thread: thread, choice: choice, cells: &state.cells)
    }
    swap(&ts, &state.threads[thread].thread)
    state.threads[thread].rehash()
    return violation
  }

  /// A step under the plain-race check: what it acquires, the accesses it makes to tracked
  /// cells, and what it releases (see PlainRaces).
  private func executeTrackingRaces(
    _ ts: inout ThreadState, thread: Int, choice: Int, in state: inout State
  ) -> Violation? {
    let pc = ts.pc
    enum Step {
      case none
      case load(Int, plain: Bool)
      case store(Int, plain: Bool)
      case lock(Int, Builtin.FastPath)
      case rcuUnlock
      case footprint(Footprint)
      case region
    }
    var step = Step.none
    if pc >= 0, ts.fault == .none {
      switch program.ops[Int(pc)] {
      case .visible(let builtin, let argumentBase, _, _, _):
        let fast = program.fastPaths[Int(builtin)]
        let p = ts.slots[Int(ts.base + argumentBase)]
        let cell =
          p.tag == .pointer && p.bits >= 0 && p.bits < Int64(state.cells.count)
          ? Int(p.bits) : nil
        let plain = program.accesses[Int(builtin)] == .plain
        switch fast {
        case .load: if let cell { step = .load(cell, plain: plain) }
        case .store: if let cell { step = .store(cell, plain: plain) }
        case .acquire, .sharedAcquire, .release, .sharedRelease:
          if let cell { step = .lock(cell, fast) }
        case .none:
          if builtin == rcuReadUnlock {
            step = .rcuUnlock
          } else if case .enabled(let f, _) = machine.status(
            ts, thread: thread, cells: state.cells)
          {
            step = .footprint(f)
          }
        }
      case .check:
        if case .enabled(let f, _) = machine.status(ts, thread: thread, cells: state.cells) {
          step = .footprint(f)
        }
      case .atomicBegin, .awaitBegin:
        step = .region
      default: break
      }
    }
    var touched = Footprint()
    var violation = machine.execute(
      &ts, thread: thread, choice: choice, cells: &state.cells, touched: &touched)
    let names = machine.threadNames
    var race: String? = nil
    var hb = state.happensBefore
    switch step {
    case .none: break
    case .load(let cell, let plain):
      if !plain { plainRaces.acquire(cell, exclusive: false, thread: thread, &hb) }
      race = plainRaces.access(
        cell, write: false, plain: plain, thread: thread, threadNames: names, &hb)
    case .store(let cell, let plain):
      race = plainRaces.access(
        cell, write: true, plain: plain, thread: thread, threadNames: names, &hb)
      if !plain { plainRaces.release(cell, thread: thread, &hb) }
    case .lock(let cell, let mode):
      switch mode {
      case .acquire: plainRaces.acquire(cell, exclusive: true, thread: thread, &hb)
      case .sharedAcquire: plainRaces.acquire(cell, exclusive: false, thread: thread, &hb)
      case .sharedRelease: plainRaces.releaseShared(cell, thread: thread, &hb)
      default: plainRaces.release(cell, thread: thread, &hb)
      }
    case .rcuUnlock:
      plainRaces.releaseShared(Library.rcuCell, thread: thread, &hb)
    case .footprint(let f):
      race = applyFootprint(f, thread: thread, names: names, &hb)
    case .region:
      race = applyFootprint(touched, thread: thread, names: names, &hb)
    }
    state.happensBefore = hb
    if let race, violation == nil {
      violation = Violation(
        kind: "race",
        message: machine.message(
          thread, pc, "\(program.sites[Int(pc)].text): \(race)"))
    }
    return violation
  }

  /// A step known by its footprint only (a region, a domain builtin, an atomic
  /// read-modify-write): reads acquire, writes acquire and release; all are marked accesses.
  private func applyFootprint(
    _ f: Footprint, thread: Int, names: [String], _ hb: inout PlainRaces.State
  ) -> String? {
    var objects: [(cell: Int, exclusive: Bool)] = []
    for word in 0..<4 {
      for (bits, exclusive) in [
        (f.exclusive[word], true), (f.shared[word] & ~f.exclusive[word], false),
      ] {
        var b = bits
        while b != 0 {
          let bit = word * 64 + b.trailingZeroBitCount
          b &= b - 1
          // Object ids above 255 fold onto the set (see Footprint).
          var cell = bit
          while cell < program.cells.count {
            objects.append((cell, exclusive))
            cell += 256
          }
        }
      }
    }
    var race: String? = nil
    for o in objects {
      plainRaces.acquire(o.cell, exclusive: o.exclusive, thread: thread, &hb)
    }
    for o in objects {
      let r = plainRaces.access(
        o.cell, write: o.exclusive, plain: false, thread: thread, threadNames: names, &hb)
      race = race ?? r
    }
    for o in objects where o.exclusive { plainRaces.release(o.cell, thread: thread, &hb) }
    return race
  }

  public func checkFinal(_ state: State) -> Violation? {
    if let initViolation { return initViolation }
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
    for check in program.finalChecks {
      let context = FinalCheckContext(
        cells: state.cells.values, cellNames: program.cells.map(\.name),
        finished: state.threads.map { $0.thread.pc == -1 },
        threadNames: scenario.threads.map(\.name))
      if let violation = check(context) { return violation }
    }
    // A thread that returned must not hold a lock or be inside an RCU read-side section.
    for (t, ts) in state.threads.lazy.map(\.thread).enumerated() where ts.pc == -1 {
      for (cell, info) in program.cells.enumerated() {
        let bits = state.cells[cell].bits
        let held: Bool
        switch info.kind {
        case .value: held = false
        case .spinlock: held = bits == Int64(t) + 1
        case .rwlock:
          held =
            bits == Library.writerBit | Int64(t) << 33
            || (bits & Library.writerBit == 0 && bits & (1 << Int64(t)) != 0)
        case .rcu: held = Library.rcuDepth(bits, t) != 0
        }
        if held {
          let what =
            info.kind == .rcu ? "inside an RCU read-side critical section" : "holding \(info.name)"
          return Violation(kind: "lock-misuse", message: "\(threadName(t)) returned \(what)")
        }
      }
    }
    return nil
  }

  /// Whether the step `thread` is parked at belongs to a function marked `@progress`: cycles
  /// through such steps are not livelocks.
  public func isProgress(of thread: Int, in state: State) -> Bool {
    let ts = state.threads[thread].thread
    guard ts.pc >= 0, Int(ts.pc) < program.sites.count else { return false }
    let function = Int(program.sites[Int(ts.pc)].function)
    return program.functions.indices.contains(function) && program.functions[function].isProgress
  }

  public func describeStep(of thread: Int, in state: State) -> String {
    guard let info = stepInfo(of: thread, in: state) else { return "done" }
    let kernel = info.kernel.map { ", models \($0.function) in \($0.file)" } ?? ""
    return "\(info.operation)  [\(info.function) at \(info.location)\(kernel)]"
  }

  /// The invisible steps each thread runs before its first visible step, for traces.
  public var invisibleStepsAtStart: [[StepInfo]] {
    invisibleAtStart.map { $0.map { stepInfo(at: $0) } }
  }

  /// The invisible steps a step of `thread` runs after its visible one (see InvisibleSteps), for
  /// traces: the step is run again on a copy of `state`.
  public func invisibleSteps(after thread: Int, choice: Int, in state: State) -> [StepInfo] {
    var ts = state.threads[thread].thread
    var cells = state.cells
    var touched = Footprint()
    var pcs: [Int32] = []
    _ = machine.execute(
      &ts, thread: thread, choice: choice, cells: &cells, touched: &touched,
      record: { pcs.append($0) })
    return pcs.map { stepInfo(at: $0) }
  }

  /// The step at instruction `pc`, as traces name it.
  private func stepInfo(at pc: Int32) -> StepInfo {
    let site = program.sites[Int(pc)]
    let function =
      program.functions.indices.contains(Int(site.function))
      ? program.functions[Int(site.function)] : nil
    var access = Builtin.Access.none
    switch program.ops[Int(pc)] {
    case .visible(let builtin, _, _, _, _): access = program.accesses[Int(builtin)]
    case .atomicBegin, .awaitBegin: access = .atomic
    default: break
    }
    return StepInfo(
      function: function?.name ?? "?", kernel: function?.kernel, location: site.location,
      operation: site.text, access: access)
  }

  /// The visible step `thread` is parked at; nil once it has finished.
  public func stepInfo(of thread: Int, in state: State) -> StepInfo? {
    let ts = state.threads[thread].thread
    guard ts.pc >= 0, Int(ts.pc) < program.sites.count else { return nil }
    var info = stepInfo(at: ts.pc)
    if ts.fault != .none { info.operation = "runtime error: \(machine.faultMessage(ts))" }
    switch program.ops[Int(ts.pc)] {
    case .check: info.operation += " fires"
    case .loopCheck: info.operation += " passes its bound"
    default: break
    }
    return info
  }

  /// The shared cells a step changed, as `name: old → new`.
  public func changes(from before: State, to after: State) -> [String] {
    var result: [String] = []
    for (cell, info) in program.cells.enumerated() where before.cells[cell] != after.cells[cell] {
      result.append(
        "\(info.name): \(describe(before.cells[cell], info)) → \(describe(after.cells[cell], info))"
      )
    }
    return result
  }

  /// A cell's value as traces print it.
  func describe(_ value: Value, _ info: CellInfo) -> String {
    let names: (Int) -> String = { t in
      t >= 0 && t < scenario.threads.count ? scenario.threads[t].name : "t\(t)"
    }
    switch info.kind {
    case .value:
      if value.tag == .freed {
        let readers = (0..<16).filter { value.bits & (1 << Int64($0)) != 0 }.map(names)
        return readers.isEmpty
          ? "freed" : "freed after a grace period (waits for \(readers.joined(separator: ",")))"
      }
      if value.tag == .pointer, value.bits >= 0, value.bits < Int64(program.cells.count) {
        return "&" + program.cells[Int(value.bits)].name
      }
      return value.description
    case .spinlock: return value.bits == 0 ? "free" : "held(\(names(Int(value.bits) - 1)))"
    case .rwlock: return Library.rwlockDescription(value.bits, names: names)
    case .rcu:
      let readers = (0..<16).filter { Library.rcuDepth(value.bits, $0) != 0 }.map(names)
      return readers.isEmpty ? "no readers" : "readers(\(readers.joined(separator: ",")))"
    }
  }

  /// The value of a named shared cell (`x`, `a[2]`) in a state, for tests and reports.
  public func value(of cellName: String, in state: State) -> Value? {
    guard let index = program.cells.firstIndex(where: { $0.name == cellName }) else { return nil }
    return state.cells[index]
  }

  /// The cells the plain-race check tracks in this scenario: those some thread may access plainly
  /// (see PlainRaces). Empty for a spec whose threads make only marked accesses.
  public var cellsCheckedForPlainRaces: [String] {
    plainRaces.tracked.map { program.cells[$0].name }
  }

  /// The name of each shared object, by object id (`x`, `a[2]`, `mmu_lock`, `__rcu`).
  public var objectNames: [String] { program.cells.map(\.name) }

  /// The object id of a named shared cell.
  public func objectID(of cellName: String) -> Int? {
    program.cells.firstIndex(where: { $0.name == cellName })
  }
}
