import Testing
import Explorer
import ExplorerTestSupport

@Test func dporFindsTheTwoLockDeadlock() throws {
  let result = try Explorer.explore(CanonicalSystems.twoLockDeadlock)
  #expect(result.statistics.executions == 3)
  #expect(result.statistics.sleepSetBlocked == 0)
  #expect(result.counterexamples.map(\.violation.kind) == ["deadlock"])
}
