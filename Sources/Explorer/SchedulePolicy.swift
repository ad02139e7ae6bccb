/// Chooses the thread (and choice) to run at each step of one execution.
@usableFromInline protocol SchedulePolicy {
  /// Called once before each execution.
  mutating func startExecution(threads: Int, expectedLength: Int)
  /// Picks one of `enabled` (thread indices, never empty) at step `depth`.
  mutating func pick(_ enabled: [Int], depth: Int) -> Int
  /// Picks a choice in `0..<choices`.
  mutating func choose(_ choices: Int) -> Int
}
