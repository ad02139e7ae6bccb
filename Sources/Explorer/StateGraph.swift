/// The reachable state graph as the stateful search stores it: states by number, the tree edge
/// that first reached each, and every edge, compactly.
struct StateGraph: Sendable {
  /// One transition between stored states.
  struct Edge: Sendable, Hashable {
    var target: Int32
    var thread: UInt8
    var choice: UInt16
    /// Whether the step was a progress step (`TransitionSystem.isProgress`).
    var progress: Bool
  }

  /// State number by fingerprint.
  var number: [Fingerprint: Int32] = [:]
  /// For each state: the state it was first reached from and the step, or `-1` for the initial
  /// state. Following these gives a path from the initial state.
  var parent: [(state: Int32, thread: UInt8, choice: UInt16)] = []
  /// The outgoing edges of each state.
  var edges: [[Edge]] = []
  /// The depth each state was first (or most shallowly) reached at.
  var depth: [Int32] = []
  /// For each state, the threads that can run there (bit `t` for thread `t`).
  var enabledThreads: [UInt16] = []

  var count: Int { parent.count }

  /// Adds a state; returns its number.
  mutating func add(
    _ fingerprint: Fingerprint, parent: Int32, thread: Int, choice: Int, depth: Int
  ) -> Int32 {
    let id = Int32(count)
    number[fingerprint] = id
    self.parent.append((parent, UInt8(thread), UInt16(choice)))
    edges.append([])
    self.depth.append(Int32(depth))
    enabledThreads.append(0)
    return id
  }

  /// The steps from the initial state to `state` along first-reaching edges.
  func path(to state: Int32) -> [Trace.Step] {
    var steps: [Trace.Step] = []
    var current = state
    while parent[Int(current)].state >= 0 {
      let p = parent[Int(current)]
      steps.append(Trace.Step(thread: Int(p.thread), choice: Int(p.choice)))
      current = p.state
    }
    return steps.reversed()
  }
}
