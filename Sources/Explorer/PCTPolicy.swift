/// The `pct` strategy: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi and
/// Nagarakatte, ASPLOS 2010).
///
/// Each execution gives the threads distinct random priorities above `depth` and picks `depth - 1`
/// change points among the first `expectedLength` steps. The enabled thread with the highest
/// priority runs; when step `k_i` is reached, the running thread's priority drops to `i`. A bug
/// of depth `d` is then found with probability at least `1 / (n · k^(d-1))` per execution.
@usableFromInline struct PCTPolicy: SchedulePolicy {
  var generator: SplitMix64
  let depth: Int
  private var priorities: [Int] = []
  private var changePoints: [Int: Int] = [:]

  @usableFromInline init(seed: UInt64, depth: Int) {
    generator = SplitMix64(seed: seed)
    self.depth = max(1, depth)
  }

  @usableFromInline mutating func startExecution(threads: Int, expectedLength: Int) {
    priorities = Array(depth..<(depth + threads)).shuffled(using: &generator)
    changePoints = [:]
    let length = max(1, expectedLength)
    for i in 1..<max(1, depth) {
      changePoints[Int.random(in: 0..<length, using: &generator)] = i
    }
  }

  @usableFromInline mutating func pick(_ enabled: [Int], depth step: Int) -> Int {
    var best = 0
    for k in enabled.indices where priorities[enabled[k]] > priorities[enabled[best]] { best = k }
    if let lowered = changePoints[step] {
      priorities[enabled[best]] = lowered
      for k in enabled.indices where priorities[enabled[k]] > priorities[enabled[best]] {
        best = k
      }
    }
    return best
  }

  @usableFromInline mutating func choose(_ choices: Int) -> Int { Int.random(in: 0..<choices, using: &generator) }
}
