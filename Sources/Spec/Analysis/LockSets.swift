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
  typealias Held = [Int: Bool]

  /// Per thread: what it holds at each instruction its code may reach.
  private let held: [[Int: Held]]

  /// The locks `thread` holds whenever it is at `pc`; nil when the analysis never reached `pc`.
  func held(by thread: Int, at pc: Int) -> Held? { held[thread][pc] }

  /// Whether two accesses made under `a` and `b` can never happen at once: both hold some lock,
  /// one of them exclusively.
  static func excludes(_ a: Held, _ b: Held) -> Bool {
    for (lock, exclusive) in a {
      if let other = b[lock], exclusive || other { return true }
    }
    return false
  }

  init(program: Program, scenario: CompiledScenario, pointers: PointerAnalysis) {
    guard program.cells.count <= 256 else {
      held = scenario.threads.map { _ in [:] }
      return
    }
    held = scenario.threads.map {
      var thread = ThreadAnalysis(program: program, pointers: pointers, entry: Int($0.function))
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
    /// The functions that call each function.
    var callers: [Int: Set<Int>] = [:]
    /// The locks each function, or one it calls, may release.
    var mayRelease: [Int: Set<Int>] = [:]

    init(program: Program, pointers: PointerAnalysis, entry: Int) {
      self.program = program
      self.pointers = pointers
      self.entry = entry
    }

    /// The single cell a lock argument names, if it names one.
    func lock(at pc: Int) -> Int? {
      let cells = pointers.cells(at: pc, argument: 0).cells
      return cells.count == 1 ? cells[0] : nil
    }

    mutating func solve() {
      computeMayRelease()
      entrySets[entry] = [:]
      var work: Set<Int> = [entry]
      while let f = work.popFirst() {
        work.formUnion(function(f))
      }
    }

    /// What each function may release, through its own unlocks and its callees'.
    mutating func computeMayRelease() {
      var direct: [Int: Set<Int>] = [:]
      var calls: [Int: Set<Int>] = [:]
      for f in pointers.opsOf.indices {
        for pc in pointers.opsOf[f] {
          switch program.ops[pc] {
          case .visible(let b, _, _, _, _):
            switch program.fastPaths[Int(b)] {
            case .release, .sharedRelease:
              direct[f, default: []].formUnion(pointers.cells(at: pc, argument: 0).cells)
            default: break
            }
          case .call(let g, _, _, _):
            calls[f, default: []].insert(Int(g))
            callers[Int(g), default: []].insert(f)
          default: break
          }
        }
      }
      for f in pointers.opsOf.indices {
        var seen: Set<Int> = [f]
        var stack = [f]
        var released: Set<Int> = []
        while let g = stack.popLast() {
          released.formUnion(direct[g] ?? [])
          for h in calls[g] ?? [] where seen.insert(h).inserted { stack.append(h) }
        }
        mayRelease[f] = released
      }
    }

    static func meet(_ a: Held, _ b: Held) -> Held {
      var result: Held = [:]
      for (lock, exclusive) in a {
        if let other = b[lock] { result[lock] = exclusive && other }
      }
      return result
    }

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
          case .acquire: if let l = lock(at: pc) { state[l] = true }
          case .sharedAcquire: if let l = lock(at: pc) { state[l] = state[l] ?? false }
          case .release, .sharedRelease:
            for l in pointers.cells(at: pc, argument: 0).cells { state[l] = nil }
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
          for l in mayRelease[g] ?? [] { state[l] = nil }
          state.merge(exit) { $0 || $1 }
        case .ret:
          let exit = exitSets[f].map { Self.meet($0, state) } ?? state
          if exitSets[f] != exit {
            exitSets[f] = exit
            again.formUnion(callers[f] ?? [])
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
