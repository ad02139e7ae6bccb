import Explorer

/// The locks a thread holds whenever it is at an instruction: a must-analysis over the compiled
/// program, flow-sensitive inside a function, per thread across calls (a function's entry set is
/// what every call of it from that thread's code holds).
///
/// InvisibleSteps uses it for Lipton's reduction: an access that conflicts only with accesses
/// other threads make under a lock this thread holds at it (one of the two exclusively) cannot
/// meet them, so it runs inside the step before it like any invisible step. A lock is known held
/// only when its lock argument can point at one cell; a release through an unknown pointer drops
/// every lock it may name. With more than 256 cells (footprints fold ids) no lock is known.
struct LockSets: Sendable {
  /// Each lock held, by cell, and whether exclusively (a spinlock, or an rwlock for write).
  typealias Held = LockMask

  /// Per thread: what it holds at each instruction its code may reach.
  private let held: [[Int: Held]]

  /// The locks `thread` holds whenever it is at `pc`; nil when the analysis never reached `pc`.
  func held(by thread: Int, at pc: Int) -> Held? { held[thread][pc] }

  /// Whether two accesses made under `a` and `b` can never happen at once: both hold some lock,
  /// one of them exclusively.
  static func excludes(_ a: Held, _ b: Held) -> Bool { a.excludes(b) }

  init(program: Program, scenario: CompiledScenario, pointers: PointerAnalysis) {
    guard program.cells.count <= 256 else {
      held = scenario.threads.map { _ in [:] }
      return
    }
    let summary = ReleaseSummary(
      program: program, pointers: pointers, entries: scenario.threads.map { Int($0.function) })
    held = scenario.threads.map {
      var thread = ThreadAnalysis(
        program: program, pointers: pointers, summary: summary, entry: Int($0.function))
      thread.solve()
      return thread.atPc
    }
  }

  /// The greatest fixed point for one thread: entry and exit sets start unknown (everything held)
  /// and shrink as calls and returns are found.
  private struct ThreadAnalysis {
    let program: Program
    let pointers: PointerAnalysis
    let entry: Int
    var entrySets: [Int: Held] = [:]
    var exitSets: [Int: Held] = [:]
    var atPc: [Int: Held] = [:]
    let summary: ReleaseSummary

    init(program: Program, pointers: PointerAnalysis, summary: ReleaseSummary, entry: Int) {
      self.program = program
      self.pointers = pointers
      self.summary = summary
      self.entry = entry
    }

    /// The single cell a lock argument names, if it names one.
    func lock(at pc: Int) -> Int? {
      let cells = pointers.cells(at: pc, argument: 0).cells
      return cells.count == 1 ? cells[0] : nil
    }

    mutating func solve() {
      entrySets[entry] = LockMask.empty
      var work: Set<Int> = [entry]
      while let f = work.popFirst() {
        work.formUnion(function(f))
      }
    }

    static func meet(_ a: Held, _ b: Held) -> Held { a.meet(b) }

    /// Analyses function `f` from its entry set; returns the functions to analyse again.
    mutating func function(_ f: Int) -> Set<Int> {
      guard let start = entrySets[f], let first = pointers.opsOf[f].first,
        let last = pointers.opsOf[f].last
      else { return [] }
      var again: Set<Int> = []
      var states = [Held?](repeating: nil, count: last - first + 1)
      let entryPc = Int(program.functions[f].entry)
      states[entryPc - first] = start
      var work = [entryPc]
      while let pc = work.popLast() {
        var state = states[pc - first]!
        atPc[pc] = atPc[pc].map { Self.meet($0, state) } ?? state
        var successors = [pc + 1]
        switch program.ops[pc] {
        case .visible(let b, _, _, _, _):
          switch program.fastPaths[Int(b)] {
          case .acquire, .writeAcquire: if let l = lock(at: pc) { state.acquire(l) }
          case .sharedAcquire: if let l = lock(at: pc) { state.acquireShared(l) }
          case .release, .sharedRelease:
            for l in pointers.cells(at: pc, argument: 0).cells { state.release(l) }
          default: break
          }
        case .jump(let target):
          successors = [Int(target)]
        case .branchFalse(_, let target), .branchTrue(_, let target):
          successors.append(Int(target))
        case .call(let g, _, _, _):
          let g = Int(g)
          let entered = entrySets[g].map { Self.meet($0, state) } ?? state
          if entrySets[g] != entered {
            entrySets[g] = entered
            again.insert(g)
          }
          // After the call: what the callee holds at every return, and what the caller held
          // that the callee cannot release. Until the callee is known to return, nothing follows.
          guard let exit = exitSets[g] else {
            successors = []
            break
          }
          for l in summary.mayRelease[g] ?? [] { state.release(l) }
          state = state.union(exit)
        case .ret:
          let exit = exitSets[f].map { Self.meet($0, state) } ?? state
          if exitSets[f] != exit {
            exitSets[f] = exit
            again.formUnion(summary.callers[f] ?? [])
          }
          successors = []
        default:
          break
        }
        for next in successors where next >= first && next <= last {
          if let known = states[next - first] {
            let met = Self.meet(known, state)
            if met != known {
              states[next - first] = met
              work.append(next)
            }
          } else {
            states[next - first] = state
            work.append(next)
          }
        }
      }
      return again
    }
  }
}
