import Explorer

/// The steps of each thread of a scenario that no step of another thread can meet: none conflicts
/// with them, or none can while the thread holds the lock it holds there.
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
/// - the first step after the check of a retry loop (`while`, `do`, or `for` with `bound N`), so
///   that every iteration keeps a scheduling point and a livelock stays a cycle of states (the
///   cycle proviso of partial-order reduction);
/// - any step when it is blocked or offers a choice, and the step after one that raised a
///   violation (checked when it is reached, in `Machine.settle`).
struct InvisibleSteps: Sendable {
  /// Per thread, per instruction: whether the step parked there is invisible.
  private var invisible: [[Bool]]

  /// An equal value that shares no array buffer with this one.
  func replica() -> InvisibleSteps {
    var copy = self
    copy.invisible = invisible.map { $0.map { $0 } }
    return copy
  }

  @inline(__always) func contains(thread: Int, pc: Int32) -> Bool {
    thread >= 0 && invisible[thread][Int(pc)]
  }

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
          groups[locks.held(by: t, at: pc) ?? LockMask.empty, default: Footprint()].formUnion(
            footprint)
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
          let held = locks.held(by: t, at: pc) ?? LockMask.empty
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
