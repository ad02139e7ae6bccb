import Explorer

extension ScenarioSystem {
  /// Walks every reachable state, up to `stateBudget` of them, and records which functions
  /// run and race (see `ConcurrentCoverage`).
  ///
  /// Build the system with every scheduling point a step (`invisibleSteps: false`), so that
  /// every step is seen at a state, and without loop bounds, so that the graph is finite.
  public func coverage(stateBudget: Int = 200_000) -> ConcurrentCoverage {
    let program = self.program
    var ownAccess = [Bool](repeating: false, count: program.functions.count)
    for (pc, op) in program.ops.enumerated() {
      switch op {
      case .visible, .atomicBegin, .awaitBegin:
        let f = Int(program.sites[pc].function)
        if ownAccess.indices.contains(f) { ownAccess[f] = true }
      default: break
      }
    }
    var regionCallees: [Int32: [Int]] = [:]
    var executed = [Bool](repeating: false, count: program.functions.count)
    var partners = [Set<Int>](repeating: [], count: program.functions.count)
    var seen: Set<State> = [initialState]
    var stack = [initialState]
    var truncated = false
    while let state = stack.popLast() {
      var enabled: [(thread: Int, footprint: Footprint, functions: [Int], choices: Int)] = []
      for thread in 0..<threadCount {
        guard case .enabled(let footprint, let choices) = status(of: thread, in: state) else {
          continue
        }
        let functions = callStack(state.threads[thread].thread, regions: &regionCallees)
        for f in functions { executed[f] = true }
        enabled.append((thread, footprint, functions, choices))
      }
      for (i, a) in enabled.enumerated() {
        for b in enabled[(i + 1)...] where a.footprint.conflicts(with: b.footprint) {
          for f in a.functions { partners[f].insert(b.functions.last ?? -1) }
          for f in b.functions { partners[f].insert(a.functions.last ?? -1) }
        }
      }
      for step in enabled {
        for choice in 0..<step.choices {
          var next = state
          _ = execute(thread: step.thread, choice: choice, in: &next)
          guard !seen.contains(next) else { continue }
          guard seen.count < stateBudget else {
            truncated = true
            continue
          }
          seen.insert(next)
          stack.append(next)
        }
      }
    }
    let name = info.name
    var coverage = ConcurrentCoverage(
      functions: program.functions.enumerated().map { f, function in
        var entry = ConcurrentCoverage.Entry(
          name: function.name, kernel: function.kernel, location: function.location,
          sharesMemory: ownAccess[f])
        if executed[f] { entry.executedIn = [name] }
        if !partners[f].isEmpty {
          let names = partners[f].map {
            program.functions.indices.contains($0) ? program.functions[$0].name : "?"
          }
          entry.racedWith = [name: Set(names)]
        }
        return entry
      })
    if truncated {
      coverage.truncatedScenarios = [name]
    } else {
      coverage.completeScenarios = [name]
    }
    return coverage
  }

  /// The functions on a parked thread's stack, outermost first, each once; at an `atomic` or
  /// `await` region, the functions the region calls run in the same step and come last.
  private func callStack(_ ts: ThreadState, regions: inout [Int32: [Int]]) -> [Int] {
    var functions: [Int] = []
    for frame in ts.frames
    where frame.returnPc >= 0 && Int(frame.returnPc) < program.sites.count {
      functions.append(Int(program.sites[Int(frame.returnPc)].function))
    }
    if ts.pc >= 0 && Int(ts.pc) < program.sites.count {
      functions.append(Int(program.sites[Int(ts.pc)].function))
      switch program.ops[Int(ts.pc)] {
      case .atomicBegin(let end), .awaitBegin(let end):
        if regions[ts.pc] == nil { regions[ts.pc] = callees(from: ts.pc + 1, to: end) }
        functions += regions[ts.pc] ?? []
      default: break
      }
    }
    var seen: Set<Int> = []
    return functions.filter { program.functions.indices.contains($0) && seen.insert($0).inserted }
  }

  /// The functions code in `from..<to` calls, and the functions they call, in call order.
  private func callees(from: Int32, to: Int32) -> [Int] {
    // A function's code runs from its entry to the next function's entry.
    let entries = program.functions.map(\.entry).sorted()
    func body(_ f: Int) -> Range<Int> {
      let entry = program.functions[f].entry
      let end = entries.first { $0 > entry }.map(Int.init) ?? program.ops.count
      return Int(entry)..<end
    }
    var result: [Int] = []
    var seen: Set<Int> = []
    var work: [Range<Int>] = [Int(from)..<min(Int(to), program.ops.count)]
    while let range = work.popLast() {
      for pc in range {
        guard case .call(let callee, _, _, _) = program.ops[pc] else { continue }
        let f = Int(callee)
        guard program.functions.indices.contains(f), seen.insert(f).inserted else { continue }
        result.append(f)
        work.append(body(f))
      }
    }
    return result
  }
}
