import Foundation

/// A path as seen from another file's directory, so that a report can name its spec wherever
/// the report is later read from.
enum RelativePath {
  /// `target` relative to the directory that holds `file` (both relative to the working
  /// directory or absolute): `../specs` for `out/report.jsonl` and `specs`.
  static func from(directoryOf file: String, to target: String) -> String {
    let cwd = FileManager.default.currentDirectoryPath
    func absolute(_ path: String) -> [String] {
      let full =
        (path as NSString).isAbsolutePath ? path : (cwd as NSString).appendingPathComponent(path)
      return (full as NSString).standardizingPath.split(separator: "/").map(String.init)
    }
    let from = absolute(
      (file as NSString).deletingLastPathComponent.isEmpty
        ? "." : (file as NSString).deletingLastPathComponent)
    let to = absolute(target)
    var common = 0
    while common < from.count, common < to.count, from[common] == to[common] { common += 1 }
    let up = Array(repeating: "..", count: from.count - common)
    let parts = up + to[common...]
    return parts.isEmpty ? "." : parts.joined(separator: "/")
  }
}
