import Explorer
import ExplorerTestSupport
import Foundation
import Spec
import Testing

/// Every scenario of `specs/`, as the interpreter runs it, keeps the engine's contract:
/// deterministic steps, footprints that depend only on the thread, and commuting independent
/// steps. DPOR is only as sound as this.
@Suite struct SpecContractTests {
  @Test(arguments: ManifestTests.spec.scenarios.map(\.name))
  func scenarioKeepsTheTransitionSystemContract(_ name: String) throws {
    let scenario = try #require(ManifestTests.spec.scenario(named: name))
    for loopBounds in [true, false] {
      let system = ManifestTests.spec.system(for: scenario, loopBounds: loopBounds)
      let breaches = ContractChecker.check(system, maxStates: 3_000)
      #expect(breaches.isEmpty, "\(name), loop bounds \(loopBounds): \(breaches.map(\.description))")
    }
  }
}
