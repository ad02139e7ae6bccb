import KernelSource

/// What `eptcheck sync` prints: a summary line, one section per kind of finding, and the
/// sentence a patch author acts on.
struct SyncReport {
  let findings: [KernelSync.Finding]
  let kernel: String
  let record: String
  let tree: String

  private static let sections: [(KernelSync.Status, String)] = [
    (.changed, "changed since the last sync"),
    (.functionMissing, "not defined in their file"),
    (.fileMissing, "file not in the tree"),
    (.notRecorded, "no fingerprint recorded yet (record with --update)"),
    (.notKernelSource, "not kernel source, not checked"),
  ]

  var text: String {
    let synced = tree.isEmpty ? "no sync recorded" : "last synced with \(tree)"
    var out = "\(kernel) against the model (\(record): \(synced))\n"
    var counts: [String] = []
    for (status, word) in Self.words {
      let n = findings.filter { $0.status == status }.count
      if n > 0 { counts.append("\(n) \(word)") }
    }
    out += "\(findings.count) modelled kernel functions: \(counts.joined(separator: ", "))\n"
    let width = findings.map(\.function.function.count).max() ?? 0
    for (status, title) in Self.sections {
      let rows = findings.filter { $0.status == status }
      guard !rows.isEmpty else { continue }
      out += "\(title):\n"
      for row in rows {
        let f = row.function
        let place = row.line.map { "\(f.file):\($0)" } ?? f.file
        out += "  \(f.function.padded(to: width))  \(place)  (model: \(f.modelLocation))\n"
      }
    }
    let changed = findings.filter { $0.status == .changed }.map {
      "`\($0.function.function)` (\($0.function.modelLocation))"
    }
    if !changed.isEmpty {
      out += "your tree changes \(Self.list(changed)); the model may need the same change\n"
    }
    return out
  }

  private static let words: [(KernelSync.Status, String)] = [
    (.unchanged, "unchanged"), (.changed, "changed"), (.functionMissing, "not defined"),
    (.fileMissing, "file not in the tree"), (.notRecorded, "not recorded"),
    (.notKernelSource, "not kernel source"),
  ]

  /// `a`, `a and b`, `a, b and c`.
  static func list(_ items: [String]) -> String {
    guard items.count > 1 else { return items.first ?? "" }
    return items.dropLast().joined(separator: ", ") + " and " + items.last!
  }
}
