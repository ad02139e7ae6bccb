/// The `random` strategy: at each step a uniformly chosen enabled thread and choice.
@usableFromInline struct RandomPolicy: SchedulePolicy {
  var generator: SplitMix64

  @usableFromInline init(seed: UInt64) { generator = SplitMix64(seed: seed) }

  @usableFromInline mutating func startExecution(threads: Int, expectedLength: Int) {}

  @usableFromInline mutating func pick(_ enabled: [Int], depth: Int) -> Int {
    Int.random(in: 0..<enabled.count, using: &generator)
  }

  @usableFromInline mutating func choose(_ choices: Int) -> Int { Int.random(in: 0..<choices, using: &generator) }
}
