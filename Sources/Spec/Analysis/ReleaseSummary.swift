import Explorer

/// The calls among the functions a scenario's threads can reach, and the locks each of those
/// functions may release (through its own unlocks and its callees'): what LockSets needs at a
/// call site. Computed once per scenario for the reachable functions only, since a synthesized
/// run builds hundreds of scenarios over one program of a few hundred functions.
struct ReleaseSummary: Sendable {
  /// The reachable functions that call each function.
  let callers: [Int: Set<Int>]
  /// The locks each reachable function, or one it calls, may release.
  let mayRelease: [Int: Set<Int>]

  init(program: Program, pointers: PointerAnalysis, entries: [Int]) {
    var direct: [Int: Set<Int>] = [:]
    var calls: [Int: Set<Int>] = [:]
    var callers: [Int: Set<Int>] = [:]
    var reachable = Set(entries)
    var stack = entries
    while let f = stack.popLast() {
      guard pointers.opsOf.indices.contains(f) else { continue }
      for pc in pointers.opsOf[f] {
        switch program.ops[pc] {
        case .visible(let b, _, _, _, _):
          switch program.fastPaths[Int(b)] {
          case .release, .sharedRelease:
            direct[f, default: []].formUnion(pointers.cells(at: pc, argument: 0).cells)
          default: break
          }
        case .call(let g, _, _, _):
          let g = Int(g)
          calls[f, default: []].insert(g)
          callers[g, default: []].insert(f)
          if reachable.insert(g).inserted { stack.append(g) }
        default: break
        }
      }
    }
    var mayRelease: [Int: Set<Int>] = [:]
    for f in reachable {
      var seen: Set<Int> = [f]
      var stack = [f]
      var released: Set<Int> = []
      while let g = stack.popLast() {
        released.formUnion(direct[g] ?? [])
        for h in calls[g] ?? [] where seen.insert(h).inserted { stack.append(h) }
      }
      mayRelease[f] = released
    }
    self.callers = callers
    self.mayRelease = mayRelease
  }
}
