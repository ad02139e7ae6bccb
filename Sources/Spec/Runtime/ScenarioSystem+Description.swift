import Explorer

// What traces show of a step: function, kernel name, operation, invisible steps, changed cells.
extension ScenarioSystem {
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
  func stepInfo(at pc: Int32) -> StepInfo {
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
