import Explorer

// Visible steps: status, execution, and the checks they run.
extension Machine {
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
      case .acquire, .writeAcquire, .sharedAcquire, .release, .sharedRelease:
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
        case .writeAcquire:
          footprint.insert(object: cell, mode: .acquire)
          return QueuedRWLock.writePhase(cells[cell].bits, thread: thread) == .wait
            ? .blocked(footprint) : .enabled(footprint, choices: 1)
        case .sharedAcquire:
          footprint.insert(object: cell, mode: .sharedAcquire)
          return QueuedRWLock.readBlocks(cells[cell].bits, thread: thread)
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
    case .loopCheck:
      // Parked here only when the next iteration would pass the loop's bound: the model stops
      // the thread and cuts the execution (`ScenarioSystem.isCut`); the others run on.
      return .finished
    case .atomicBegin(let end), .awaitBegin(let end):
      // An atomic block that takes no lock is always enabled, and its footprint is fixed: no
      // need to run it to find out (see RegionFootprint).
      if case .atomicBegin = program.ops[Int(ts.pc)],
        let region = program.regionFootprintAt[Int(ts.pc)],
        !region.fixed.canBlock
      {
        return .enabled(
          region.footprint(slots: ts.slots, base: ts.base, cellCount: cells.count), choices: 1)
      }
      var scratch = ts
      var memory = cells
      var footprint = Footprint()
      let isAwait: Bool
      if case .awaitBegin = program.ops[Int(ts.pc)] { isAwait = true } else { isAwait = false }
      scratch.pc += 1
      let result = runInline(
        &scratch, thread: thread, cells: &memory, end: end, footprint: &footprint)
      if let all = program.staticFootprintAt[Int(ts.pc)] { footprint.formUnion(all) }
      // The fixed footprint, not the one this path happened to touch (see RegionFootprint).
      if let region = program.regionFootprintAt[Int(ts.pc)] {
        footprint = region.footprint(slots: ts.slots, base: ts.base, cellCount: cells.count)
      }
      if isAwait { footprint.markBlocking() }
      if case .blocked = result { return .blocked(footprint) }
      if case .selectEnd(_, let count, _, let hasElse) = program.ops[Int(end) - 1] {
        return .enabled(footprint, choices: Int(count) + (hasElse ? 1 : 0))
      }
      return .enabled(footprint, choices: 1)
    default:
      return .enabled(.empty, choices: 1)
    }
  }

  func stop(_ ts: inout ThreadState) {
    ts.finish(pc: -2, keeping: [])
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
  func perform(
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
            if dst >= 0 { ts[Int(ts.base + dst)] = cells[Int(p.bits)] }
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
      if dst >= 0 { ts[Int(ts.base + dst)] = outcome.value }
      if out >= 0, let v = outcome.out { ts[Int(ts.base + out)] = v }
      if let v = outcome.violation {
        violation = Violation(
          kind: v.kind, message: message(thread, pc, "\(program.sites[Int(pc)].text): \(v.message)")
        )
      }
      if let cell, let before,
        let race = frozenOwnership(
          cell, before, &cells, thread: thread, pc: pc, claim: program.claimsFreeze[Int(builtin)])
      {
        violation = violation ?? race
      }
      if outcome.stopsThread {
        stop(&ts)
        return violation
      }
      // The thread stays at the call for its second phase.
      if outcome.repeats { return violation }
      ts.pc += 1
    case .check(let kind, let condition):
      violation = checkViolation(
        kind, thread: thread, pc: pc, value: ts.slots[Int(ts.base + condition)], cells: &cells)
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
      switch runInline(
        &ts, thread: thread, cells: &cells, end: end, footprint: &touched, choice: choice)
      {
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
  ///
  /// A freeze by compare-and-exchange (`claim`, `__tdp_mmu_set_spte_atomic`) is also marked as a
  /// claim (`SPTE.claimBit`): its owner must set or restore the SPTE before it releases
  /// mmu_lock, where a removal's freeze (`handle_removed_pt`) stays in the unlinked table.
  func frozenOwnership(
    _ cell: Int, _ before: Value, _ cells: inout SharedCells, thread: Int, pc: Int32,
    claim: Bool = false
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
      cells[cell] =
        SPTE(kind: .frozen, argument: Int64(thread + 1) | (claim ? SPTE.claimBit : 0))
        .value
    }
    guard wasFrozen else { return nil }
    let owner = Int(SPTE(before).argument & ~SPTE.claimBit) - 1
    guard owner >= 0, owner != thread else { return nil }
    return Violation(
      kind: "race",
      message: message(
        thread, pc,
        "\(program.sites[Int(pc)].text) writes \(program.cells[cell].name), which \(name(owner)) froze and still owns"
      ))
  }

  /// Counts one more iteration of a `bound N` loop and moves past its check; `false`, leaving the
  /// thread at the check, when the iteration would pass the bound. Under the stateful search
  /// (`enforcesLoopBounds` off) iterations are not counted.
  func enterIteration(_ ts: inout ThreadState, counter: Int32, bound: Int32) -> Bool {
    if enforcesLoopBounds {
      let index = Int(ts.base + counter)
      let count = ts.slots[index].bits + 1
      if count > Int64(bound) { return false }
      ts[index] = .int(count)
    }
    ts.pc += 1
    return true
  }

  func unboundedRetry(thread: Int, pc: Int32, bound: Int32) -> Violation {
    Violation(
      kind: "unbounded-retry",
      message: message(
        thread, pc,
        "\(program.sites[Int(pc)].text) passed its bound of \(bound) iteration\(bound == 1 ? "" : "s")"
      ))
  }

  /// The violation a firing check raises; `value` is the checked value, which `TDX_BUG_ON`'s
  /// message names (`TDX_OPERAND_BUSY | TDR`).
  func checkViolation(
    _ kind: CheckKind, thread: Int, pc: Int32, value: Value, cells: inout SharedCells
  ) -> Violation {
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
        kind: "tdx-error",
        message: message(
          thread, pc,
          "\(text) fired (\(TDXStatus.describe(UInt64(bitPattern: value.bits)))); the VM is bugged")
      )
    case .invariant(let kind):
      return Violation(kind: kind.rawValue, message: message(thread, pc, "\(text) fired"))
    }
  }
}
