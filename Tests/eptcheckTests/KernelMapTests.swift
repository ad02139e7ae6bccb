import Foundation
import Testing

/// docs/kernel-map.md is what `eptcheck functions` prints for specs/ today, and every modelled
/// kernel function in it has a verdict and a release.
@Suite struct KernelMapTests {
  static func map() throws -> String {
    let result = try EptCheckBinary.run(["functions"])
    #expect(result.status == 0)
    #expect(result.stderr == "")
    return result.stdout
  }

  @Test func theKernelMapInTheDocsIsCurrent() throws {
    let doc = try String(
      contentsOf: EptCheckBinary.packageRoot.appendingPathComponent("docs/kernel-map.md"),
      encoding: .utf8)
    #expect(
      try Self.map() == doc,
      "docs/kernel-map.md is stale: run eptcheck functions > docs/kernel-map.md")
  }

  /// One row per `@kernel` of specs/ (mainline and the overlays), each reviewed and run by some
  /// release's scenarios.
  @Test func everyKernelFunctionHasAVerdictAndARelease() throws {
    let specs = EptCheckBinary.packageRoot.appendingPathComponent("specs")
    var annotations = 0
    let files = FileManager.default.enumerator(atPath: specs.path)!.compactMap { $0 as? String }
    for file in files where file.hasSuffix(".ept") && !file.hasPrefix("bugs/") {
      let text = try String(contentsOf: specs.appendingPathComponent(file), encoding: .utf8)
      annotations += text.split(separator: "\n").filter { $0.hasPrefix("@kernel(") }.count
    }
    let rows = try Self.map().split(separator: "\n").filter { $0.hasPrefix("| `") }
      .map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
    // The kernel map's rows name a model file; the unmodelled section's do not.
    let modelled = rows.filter { $0.count == 5 && $0[2].contains(".ept:") }
    #expect(modelled.count == annotations)
    #expect(annotations >= 80)
    for row in modelled {
      let verdict = row[4].prefix { $0 != ":" }
      #expect(["faithful", "simplified", "divergent"].contains(verdict), "\(row)")
      #expect(!row[3].hasPrefix("none"), "\(row)")
    }
  }
}
