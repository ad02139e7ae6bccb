import Explorer

/// What running a region inline (an `atomic` block, an `await`, `init`, `finally`) did.
enum InlineResult {
  case completed(Violation?)
  case blocked
}

extension Machine {
  /// Runs from `ts.pc` until `end` in the same frame, executing visible steps immediately and
  /// collecting their footprints. Used for `atomic`, `await`, `init` and `finally`.
  func runInline(
    _ ts: inout ThreadState, thread: Int, cells: inout SharedCells, end: Int32,
    footprint: inout Footprint, choice: Int = 0
  ) -> InlineResult {
    let depth = ts.depth
    var violation: Violation? = nil
    var fuel = Machine.fuel
    while ts.pc >= 0 {
      if ts.pc == end && ts.depth == depth { return .completed(violation) }
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
              if dst >= 0 { ts[Int(ts.base + dst)] = cells[cell] }
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
        // An atomic region cannot stop halfway to queue a writer: it waits for the lock instead.
        if fast == .writeAcquire, let cell,
          QueuedRWLock.writePhase(cells[cell].bits, thread: thread) != .acquire
        {
          return .blocked
        }
        let before = cell.map { cells[$0] }
        let outcome = program.executeFunctions[Int(builtin)](call, &cells)
        if dst >= 0 { ts[Int(ts.base + dst)] = outcome.value }
        if out >= 0, let v = outcome.out { ts[Int(ts.base + out)] = v }
        if let v = outcome.violation, violation == nil {
          violation = Violation(
            kind: v.kind,
            message: message(thread, pc, "\(program.sites[Int(pc)].text): \(v.message)"))
        }
        if let cell, let before,
          let race = frozenOwnership(
            cell, before, &cells, thread: thread, pc: pc, claim: program.claimsFreeze[Int(builtin)])
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
          let v = checkViolation(
            kind, thread: thread, pc: pc, value: ts.slots[Int(ts.base + condition)], cells: &cells)
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
      case .selectEnd(let guards, let count, let chosen, let hasElse):
        guard
          let alternative = selectAlternative(
            ts, guards: guards, count: count, hasElse: hasElse, choice: choice)
        else { return .blocked }
        ts[Int(ts.base + chosen)] = .int(Int64(alternative))
        ts.pc += 1
      case .atomicBegin, .awaitBegin, .atomicEnd:
        ts.pc += 1
      case .local(let builtin, let argumentBase, let argumentCount, let dst, let out):
        let v = runLocalBuiltin(
          builtin, argumentBase, argumentCount, dst, out, &ts, thread: thread, pc: pc, cells: cells)
        violation = violation ?? v
        ts.pc += 1
      case let op:
        if op.isFrameLocal {
          _ = runFrameLocal(&ts, fuel: &fuel, end: end)
        } else {
          _ = local(op, &ts, thread: thread, cells: cells)
        }
      }
    }
    return .completed(violation)
  }
}
