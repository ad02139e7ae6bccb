import Explorer

// Steps under the plain-race check (see PlainRaces).
extension ScenarioSystem {
  /// A step under the plain-race check: what it acquires, the accesses it makes to tracked
  /// cells, and what it releases (see PlainRaces).
  func executeTrackingRaces(
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
        let p = ts[Int(ts.base + argumentBase)]
        let cell =
          p.tag == .pointer && p.bits >= 0 && p.bits < Int64(state.cells.count)
          ? Int(p.bits) : nil
        let plain = program.accesses[Int(builtin)] == .plain
        switch fast {
        case .load: if let cell { step = .load(cell, plain: plain) }
        case .store: if let cell { step = .store(cell, plain: plain) }
        case .acquire, .writeAcquire, .sharedAcquire, .release, .sharedRelease:
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
    // Taken out of the state, so that the words are copied only if the state shares them.
    var hb = PlainRaces.State.empty
    swap(&hb, &state.happensBefore)
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
      case .acquire, .writeAcquire: plainRaces.acquire(cell, exclusive: true, thread: thread, &hb)
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
  func applyFootprint(
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
}
