import Foundation
import Spec

/// The kernel releases the specs model, each with the one-line description its `RELEASE` file
/// gives (`<specs>/RELEASE` for mainline, `<specs>/releases/<name>/RELEASE` for an overlay).
struct KernelReleases {
  var paths: [String]

  /// The directories among the paths that hold specs (a file's own directory for a file).
  private var roots: [String] {
    paths.map { path in
      var isDirectory: ObjCBool = false
      _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      return isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
    }
  }

  /// The description of a release: the first line of its RELEASE file, if any.
  func description(of release: String?) -> String {
    recorded(release) ?? "no RELEASE file"
  }

  private func recorded(_ release: String?) -> String? {
    for root in roots {
      let file = release.map { "\(root)/releases/\($0)/RELEASE" } ?? "\(root)/RELEASE"
      if let text = try? String(contentsOfFile: file, encoding: .utf8),
        let line = text.split(separator: "\n").first
      {
        return String(line)
      }
    }
    return nil
  }

  /// The header line of `eptcheck list`, naming the kernel release the specs model; none for
  /// specs that say nothing about a kernel (no RELEASE file).
  func header(for release: String?) -> String {
    guard let description = recorded(release) else { return "" }
    return "kernel: \(release ?? LoadedSpec.mainline): \(description)\n"
  }

  /// `eptcheck list --kernels`: mainline first, then the overlays, newest first.
  var listing: String {
    let names = [LoadedSpec.mainline] + LoadedSpec.releases(in: paths)
    let width = names.map(\.count).max() ?? 0
    return names.map { name in
      let release = name == LoadedSpec.mainline ? nil : name
      let note = release == nil ? " (default)" : ""
      return "\(name.padded(to: width))  \(description(of: release))\(note)\n"
    }.joined()
  }
}
