import Foundation
import Testing

/// `--kernel` and `eptcheck list --kernels`: every release the specs model is checked as a
/// developer would check it, and each finds its own bugs.
@Suite struct KernelReleaseTests {
  static let releases = ["mainline", "7.1", "6.18"]

  /// The scenarios the manifest expects on a release.
  static func manifestEntries(_ kernel: String) throws -> [[String: Any]] {
    let data = try Data(
      contentsOf: EptCheckBinary.packageRoot.appendingPathComponent("specs/manifest.json"))
    let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let entries = try #require(manifest["scenarios"] as? [[String: Any]])
    return entries.filter { $0["kernel"] as? String == kernel }
  }

  @Test func listNamesTheReleases() throws {
    let result = try EptCheckBinary.run(["list", "--kernels"])
    #expect(result.status == 0)
    let names = result.stdout.split(separator: "\n").map { String($0.prefix { $0 != " " }) }
    #expect(names == Self.releases)
    #expect(
      result.stdout.hasPrefix(
        "mainline  Linux 7.2: arch/x86/kvm/vmx/tdx.c as of kvm-x86/linux 09c6f74ecb86"))
    #expect(result.stdout.split(separator: "\n")[0].hasSuffix(" (default)"))
  }

  /// The first line of `eptcheck list` names the kernel the scenarios model.
  @Test(arguments: releases)
  func listStartsWithTheKernel(_ kernel: String) throws {
    // The manifest lists the hand-written scenarios.
    let result = try EptCheckBinary.run(["list", "--kernel", kernel, "--synthesize", "none"])
    #expect(result.status == 0)
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.first?.hasPrefix("kernel: \(kernel): Linux ") == true)
    #expect(lines.count == 1 + (try Self.manifestEntries(kernel).count))
  }

  /// The check CI runs: each release's scenarios at depth 12, every one as expected, the bug
  /// corpus of that release among them.
  @Test(arguments: releases)
  func everyReleasePassesItsScenarios(_ kernel: String) throws {
    let result = try EptCheckBinary.run([
      "--depth", "12", "--kernel", kernel, "--synthesize", "none",
    ])
    #expect(result.status == 0)
    let entries = try Self.manifestEntries(kernel)
    let summary = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
    #expect(
      summary.hasPrefix(
        "\(entries.count) scenarios: \(entries.count) as expected, 0 not as expected, 0 inconclusive"
      ), "\(summary)")
    let bugs = entries.filter { ($0["file"] as? String)?.hasPrefix("specs/bugs/") == true }
    // Each bug file names the release that had the bug in its `variant of` line.
    let bugDirectory = EptCheckBinary.packageRoot.appendingPathComponent("specs/bugs")
    let ours = try FileManager.default.contentsOfDirectory(atPath: bugDirectory.path).filter {
      let text = try String(
        contentsOf: bugDirectory.appendingPathComponent($0), encoding: .utf8)
      return text.contains("variant of \"../releases/\(kernel)\";")
    }
    #expect(bugs.count == ours.count)
    #expect(kernel == "mainline" ? ours.isEmpty : !ours.isEmpty)
    for bug in bugs {
      let name = try #require(bug["name"] as? String)
      #expect(result.stdout.contains("pass         \(name) "), "\(name)")
    }
  }

  @Test func anUnknownReleaseIsBadUsage() throws {
    let result = try EptCheckBinary.run(["--kernel", "9.9"])
    #expect(result.status == 64)
    #expect(
      result.stderr.split(separator: "\n").first
        == "Error: unknown kernel release '9.9'; the specs have: mainline, 7.1, 6.18")
  }
}
