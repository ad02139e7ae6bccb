import Foundation
import Testing

/// The text report as the author of a patch reads it: a line per scenario, full traces only for
/// what is not as expected, and a closing block that says what to rerun.
@Suite struct PatchReportTests {
  static let fixtures = "Tests/eptcheckTests/Fixtures"

  /// A clean run of specs/ is one line per scenario, a blank line and the summary: nothing
  /// else, however many bug variants there are. (The hand-written scenarios: CheckCommandTests
  /// runs the synthesized ones too.)
  @Test(arguments: ["mainline", "7.1"])
  func aCleanRunPrintsALinePerScenario(_ kernel: String) throws {
    let listed = try EptCheckBinary.run(["list", "--kernel", kernel, "--synthesize", "none"]).stdout
      .split(separator: "\n")
    let scenarios = listed.count - 1
    let result = try EptCheckBinary.run([
      "--depth", "12", "--kernel", kernel, "--synthesize", "none",
    ])
    #expect(result.status == 0)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == scenarios + 3)  // the last line ends in a newline
    #expect(lines[scenarios] == "")
    #expect(lines[scenarios + 1].hasPrefix("\(scenarios) scenarios: \(scenarios) as expected, "))
    #expect(lines[scenarios + 1].contains(" states in "))
    #expect(!result.stdout.contains("trace "))
  }

  /// `--show-expected` prints a bug variant's own counterexamples too.
  @Test func showExpectedPrintsTheExpectedTraces() throws {
    let result = try EptCheckBinary.run([
      "--kernel", "7.1", "--scenario", "s_a_nonleaf_before_link", "--show-expected",
    ])
    #expect(result.status == 0)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[0].hasSuffix("complete; expects divergence (also tdx-error)"))
    #expect(lines[2].hasPrefix("s_a_nonleaf_before_link: divergence: vcpu0 in tdh_mem_page_aug"))
    #expect(result.stdout.contains("\ns_a_nonleaf_before_link: tdx-error: "))
  }

  /// A bug variant that finds a kind its expectation does not list fails, and its output leads
  /// with that kind's trace; the closing block names the command to rerun it.
  @Test func aVariantWithANewKindFailsAndLeadsWithIt() throws {
    let result = try EptCheckBinary.run(["\(Self.fixtures)/new_kind.ept"])
    #expect(result.status == 1)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(
      String.init)
    #expect(
      lines[0].hasPrefix("FAIL         deadlock_and_lost_update  stateful: 72 states, 83 steps, "))
    #expect(
      lines[0].hasSuffix(
        "complete; expects deadlock (expected violation deadlock, also found assertion)"))
    #expect(lines[1] == "")
    #expect(
      lines[2]
        == "deadlock_and_lost_update: assertion: finally of deadlock_and_lost_update at \(Self.fixtures)/new_kind.ept:29:15: assertion failed: both increments are visible"
    )
    // The expected deadlock is not printed without --show-expected.
    #expect(!result.stdout.contains("deadlock_and_lost_update: deadlock:"))
    let closing = Array(lines.suffix(6))
    #expect(
      closing == [
        "Not as expected:",
        "  FAIL deadlock_and_lost_update: expected violation deadlock, also found assertion",
        "    eptcheck --scenario deadlock_and_lost_update \(Self.fixtures)/new_kind.ept",
        "",
        closing[4],
        "",
      ])
    #expect(
      closing[4].hasPrefix(
        "1 scenarios: 0 as expected, 1 not as expected, 0 inconclusive; 72 states in "))
  }

  /// The closing block's command repeats the options that change the verdict.
  @Test func theRerunCommandRepeatsTheRunsOptions() throws {
    let result = try EptCheckBinary.run([
      "--kernel", "7.1", "--strategy", "dpor", "--depth", "12", "--scenario",
      "b2_busy_install_amplifies_zero_step",
    ])
    #expect(result.status == 2)
    #expect(
      result.stdout.contains(
        "\n    eptcheck --kernel 7.1 --strategy dpor --depth 12 --scenario b2_busy_install_amplifies_zero_step\n"
      ))
  }
}
