import Foundation
import Testing

/// `eptcheck coverage` lists what no scenario ran, and what no scenario raced.
@Suite struct CoverageCommandTests {
  static let fixture = "Tests/eptcheckTests/Fixtures/coverage.ept"

  @Test func listsTheUnracedTheUnrunAndTheLocal() throws {
    let result = try EptCheckBinary.run(["coverage", "--scenario", "disjoint", Self.fixture])
    #expect(result.status == 0)
    #expect(result.stderr == "")
    #expect(
      result.stdout == """
        coverage of 1 scenario
        7 kernel functions: 1 raced, 1 run but never raced, 4 never run, 1 with no shared access of their own
        never raced (no scenario runs them against a conflicting step of another thread):
          racer   \(Self.fixture):5  run in: disjoint
        never run by any scenario:
          inside  \(Self.fixture):11
          locked  \(Self.fixture):7
          reader  \(Self.fixture):6
          unused  \(Self.fixture):9
        no shared access of their own (covered through their callers):
          helper  \(Self.fixture):10

        """)
  }

  @Test func allListsWhatEachRacedAgainst() throws {
    let result = try EptCheckBinary.run(["coverage", "--all", Self.fixture])
    #expect(result.status == 0)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "coverage of 4 scenarios")
    #expect(
      Array(lines.suffix(6)) == [
        "raced:",
        "  alone   \(Self.fixture):8  in 1 scenario, against: outer",
        "  inside  \(Self.fixture):11  in 1 scenario, against: racer",
        "  locked  \(Self.fixture):7  in 1 scenario, against: locked",
        "  racer   \(Self.fixture):5  in 2 scenarios, against: inside, reader",
        "  reader  \(Self.fixture):6  in 1 scenario, against: racer",
      ])
  }

  @Test func jsonIsOneRecordWithEveryKernelFunction() throws {
    let result = try EptCheckBinary.run(["coverage", "--format", "json", Self.fixture])
    #expect(result.status == 0)
    let record = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(record["kind"] as? String == "coverage")
    #expect(record["version"] as? Int == 1)
    let functions = try #require(record["functions"] as? [[String: Any]])
    #expect(
      functions.compactMap { $0["function"] as? String } == [
        "alone", "helper", "inside", "locked", "racer", "reader", "unused",
      ])
    let racer = try #require(functions.first { $0["function"] as? String == "racer" })
    #expect(
      racer["racedWith"] as? [String: [String]] == [
        "read_vs_write": ["reader"], "region_vs_write": ["inside"],
      ])
  }

  @Test func aCutWalkIsInconclusive() throws {
    let result = try EptCheckBinary.run(["coverage", "--state-budget", "2", Self.fixture])
    #expect(result.status == 2)
    #expect(
      result.stdout.hasPrefix(
        "coverage of 4 scenarios (stopped at the state budget: disjoint, read_vs_write, region_vs_write, two_lockers; a lower bound)\n"
      ))
  }

  @Test(arguments: [
    (["coverage", "--scenario", "nope", fixture], 64, "error: unknown scenario 'nope'"),
    (["coverage", "--format", "html", fixture], 64, "Error: --format html is not available for coverage"),
    (["coverage", "--state-budget", "0", fixture], 64, "Error: --state-budget must be at least 1"),
  ])
  func badUsage(arguments: [String], status: Int32, line: String) throws {
    let result = try EptCheckBinary.run(arguments)
    #expect(result.status == status)
    #expect(result.stderr.split(separator: "\n").first.map(String.init) == line)
  }
}
