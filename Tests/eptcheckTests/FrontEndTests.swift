import Foundation
import Testing

/// The language front end as a newcomer meets it from the command line.
@Suite struct FrontEndTests {
  /// One file of specs/ given alone: one error that says to load the directory, not a cascade.
  @Test func oneFileOfTheSpecsSaysLoadTheDirectory() throws {
    let result = try EptCheckBinary.run(["specs/tdp_mmu.ept"])
    #expect(result.status == 65)
    let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 4)
    #expect(lines[0].hasPrefix("specs/tdp_mmu.ept:"))
    #expect(
      lines[0].contains(
        ": error: specs/tdp_mmu.ept is one file of the spec in specs/ and uses names its other files define ('"
      ))
    #expect(lines[0].hasSuffix(" errors in all): load the directory instead: eptcheck specs"))
    #expect(lines[3] == "")
  }

  /// A file with errors of its own keeps its own diagnostics.
  @Test func aBrokenFileKeepsItsOwnErrors() throws {
    let result = try EptCheckBinary.run(["Tests/eptcheckTests/Fixtures/broken.ept"])
    #expect(result.status == 65)
    #expect(!result.stderr.contains("load the directory"))
  }

  @Test func anUnknownScenarioGetsADidYouMean() throws {
    let result = try EptCheckBinary.run([
      "--scenario", "lost_updat", "Tests/eptcheckTests/Fixtures/lost_update.ept",
    ])
    #expect(result.status == 64)
    #expect(
      result.stderr
        == "error: unknown scenario 'lost_updat'; did you mean 'lost_update'?; the specs define: lost_update\n"
    )
  }
}
