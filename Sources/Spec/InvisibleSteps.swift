import Explorer

/// The steps of each thread of a scenario that no step of another thread can conflict with.
///
/// Such a step is *invisible* (Godefroid's term): it commutes with everything the other threads
/// can do, so running it at once, inside the step before it, loses no interleaving and no
/// reachable state; it only removes scheduling points that could never matter. The interpreter
/// runs invisible steps while it settles a thread at its next step (see `Machine.settle`), so the
/// explorer sees fewer, coarser steps and a depth bound reaches further: a load of
/// `mmu_invalidate_seq` in a scenario with no invalidation, `read_lock(&mmu_lock)` when no thread
/// takes it for write, or a whole thread when it shares nothing.
///
/// Which cells a step may touch is known before any execution: the builtin's footprint rule
/// applied to what its arguments may point at (PointerAnalysis). A step is invisible for thread
/// `t` if each access of another thread's code that its footprint conflicts with is made under a
/// lock `t` holds at the step, one of the two exclusively (LockSets): the two can never be both
/// about to run, so the step commutes with whatever the others can do while `t` is there
/// (Lipton's reduction: an access protected by a lock both sides hold is a both-mover).
/// What stays visible:
/// - a builtin with no footprint rule, `choose`, and every step of a `@progress` function (a
///   livelock search judges cycles by the steps it sees);
/// - the first step after a `bound N` loop check, so that every iteration of a retry loop keeps a
///   scheduling point and a livelock stays a cycle of states (the cycle proviso of partial-order
///   reduction);
/// - any step when it is blocked or offers a choice (checked when it is reached).
struct InvisibleSteps: Sendable {
  /// Per thread, per instruction: whether the step parked there is invisible.
  private let invisible: [[Bool]]

  /// No step is invisible: every scheduling point stays one.
  static func none(threads: Int, ops: Int) -> InvisibleSteps {
    InvisibleSteps(invisible: Array(repeating: Array(repeating: false, count: ops), count: threads))
  }

  private init(invisible: [[Bool]]) { self.invisible = invisible }

  @inline(__always) func contains(thread: Int, pc: Int32) -> Bool {
    thread >= 0 && invisible[thread][Int(pc)]
  }

  /// The number of invisible instructions of each thread, for tests and `--explain`.
  var counts: [Int] { invisible.map { $0.lazy.filter { $0 }.count } }

  init(program: Program, scenario: CompiledScenario, pointers: PointerAnalysis) {
    let summary = StaticFootprints(program: program, pointers: pointers)
    let locks = LockSets(program: program, scenario: scenario, pointers: pointers)
    let threads = scenario.threads.map { summary.reachable(from: Int($0.function)) }
    // Each thread's accesses, grouped by the locks it holds at them.
    var accesses: [[LockSets.Held: Footprint]] = []
    for (t, functions) in threads.enumerated() {
      var groups: [LockSets.Held: Footprint] = [:]
      for f in functions {
        for pc in pointers.opsOf[f] {
          let footprint = summary.instructionFootprint(at: pc)
          guard !footprint.isEmpty else { continue }
          groups[locks.held(by: t, at: pc) ?? [:], default: Footprint()].formUnion(footprint)
        }
      }
      accesses.append(groups)
    }
    var invisible: [[Bool]] = []
    for (t, functions) in threads.enumerated() {
      var row = Array(repeating: false, count: program.ops.count)
      for f in functions where !program.functions[f].isProgress {
        for pc in pointers.opsOf[f] {
          guard let footprint = summary.stepFootprint(at: pc) else { continue }
          let held = locks.held(by: t, at: pc) ?? [:]
          row[pc] = accesses.indices.allSatisfy { u in
            u == t
              || accesses[u].allSatisfy { theirs, other in
                !footprint.conflicts(with: other) || LockSets.excludes(held, theirs)
              }
          }
        }
      }
      invisible.append(row)
    }
    self.invisible = invisible
  }
}

/// What each instruction, region and function of a program may touch, from the builtins'
/// footprint rules and the pointer analysis.
struct StaticFootprints {
  let program: Program
  let pointers: PointerAnalysis
  /// A footprint that conflicts with every other.
  static let everything: Footprint = {
    var all = Footprint()
    for object in 0..<256 { all.insert(object: object, mode: .write) }
    return all
  }()

  /// The footprint of a visible builtin call at `pc`; `everything` when its builtin has no
  /// footprint rule.
  func callFootprint(at pc: Int) -> Footprint {
    guard case .visible(let b, _, let count, _, _) = program.ops[pc] else {
      return Footprint()
    }
    let builtin = program.builtins[Int(b)]
    guard let rule = builtin.footprintRule else { return Self.everything }
    var footprint = Footprint()
    for i in 0..<Int(count) {
      let parameter = builtin.parameters[min(i, builtin.parameters.count - 1)]
      switch parameter.mode {
      case .location, .lock:
        for cell in pointers.cells(at: pc, argument: i).cells {
          footprint.insert(object: cell, mode: rule.argumentMode)
        }
      case .value, .out:
        break
      }
    }
    for access in rule.implicit { footprint.insert(object: access.object, mode: access.mode) }
    return footprint
  }

  /// What instruction `pc` may touch when it runs: a call, a check that marks the VM bugged, the
  /// fixed footprint of a region it opens (see RegionFootprint), or nothing.
  func instructionFootprint(at pc: Int) -> Footprint {
    switch program.ops[pc] {
    case .visible: return callFootprint(at: pc)
    case .check(let kind, _) where kind.bugsVM:
      return Footprint(object: program.vmBuggedCell, mode: .write)
    case .atomicBegin, .awaitBegin:
      // The footprint the engine is given for a region may name more than its calls touch.
      guard let region = program.regionFootprints[Int32(pc)] else { return Footprint() }
      return region.everything ? Self.everything : region.fixed
    default: return Footprint()
    }
  }

  /// The footprint of the step parked at `pc` if it may be invisible: a call with a footprint rule
  /// that offers no choice, or an `atomic` or `await` region; nil for anything else.
  func stepFootprint(at pc: Int) -> Footprint? {
    switch program.ops[pc] {
    case .visible(let b, _, _, _, _):
      let builtin = program.builtins[Int(b)]
      guard builtin.footprintRule != nil, !builtin.isNondeterministic else { return nil }
      return callFootprint(at: pc)
    case .atomicBegin(let end), .awaitBegin(let end):
      var footprint = Footprint()
      var called: [Int] = []
      for inner in (pc + 1)..<Int(end) {
        if case .visible(let b, _, _, _, _) = program.ops[inner] {
          let builtin = program.builtins[Int(b)]
          if builtin.footprintRule == nil || builtin.isNondeterministic { return nil }
        }
        footprint.formUnion(instructionFootprint(at: inner))
        if case .call(let g, _, _, _) = program.ops[inner] { called.append(Int(g)) }
      }
      var functions: Set<Int> = []
      if program.regionFootprints[Int32(pc)]?.everything == true { return nil }
      footprint.formUnion(instructionFootprint(at: pc))
      for g in called { functions.formUnion(reachable(from: g)) }
      for g in functions {
        for inner in pointers.opsOf[g] {
          if case .visible(let b, _, _, _, _) = program.ops[inner],
            program.builtins[Int(b)].footprintRule == nil || program.builtins[Int(b)].isNondeterministic
          {
            return nil
          }
          footprint.formUnion(instructionFootprint(at: inner))
        }
      }
      return footprint
    default:
      return nil
    }
  }

  /// The functions `entry` may run, itself included.
  func reachable(from entry: Int) -> Set<Int> {
    var seen: Set<Int> = [entry]
    var work = [entry]
    while let f = work.popLast() {
      for pc in pointers.opsOf[f] {
        if case .call(let g, _, _, _) = program.ops[pc], seen.insert(Int(g)).inserted {
          work.append(Int(g))
        }
      }
    }
    return seen
  }

  /// Everything the given functions may touch.
  func union(of functions: Set<Int>) -> Footprint {
    var footprint = Footprint()
    for f in functions {
      for pc in pointers.opsOf[f] { footprint.formUnion(instructionFootprint(at: pc)) }
    }
    return footprint
  }
}

