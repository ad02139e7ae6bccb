/// The `random` strategy: at each step a uniformly chosen enabled thread and choice.
struct RandomPolicy: SchedulePolicy {
  var generator: SplitMix64

  init(seed: UInt64) { generator = SplitMix64(seed: seed) }

  mutating func startExecution(threads: Int, expectedLength: Int) {}

  mutating func pick(_ enabled: [Int], depth: Int) -> Int {
    Int.random(in: 0..<enabled.count, using: &generator)
  }

  mutating func choose(_ choices: Int) -> Int { Int.random(in: 0..<choices, using: &generator) }
}
