#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The process's resident memory, read cheaply enough to check during a search.
///
/// Memory is a property of the process, not of one exploration: with several scenarios or
/// subtrees at once (`--jobs`), every one of them sees the total.
public enum ResidentMemory {
  /// The resident set size now, in bytes (`/proc/self/statm` on Linux); `nil` where unknown.
  public static func current() -> Int? {
    #if os(Linux)
      let descriptor = open("/proc/self/statm", O_RDONLY)
      guard descriptor >= 0 else { return nil }
      defer { close(descriptor) }
      var buffer = [UInt8](repeating: 0, count: 128)
      let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      guard count > 0 else { return nil }
      // The second field is the resident size in pages.
      let fields = buffer[0..<count].split(separator: UInt8(ascii: " "))
      guard fields.count >= 2, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else {
        return nil
      }
      return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    #else
      return peak()
    #endif
  }

  /// The most resident memory the process has held so far, in bytes: on Linux `VmHWM` of
  /// `/proc/self/status`, because `getrusage`'s `ru_maxrss` survives `exec` and so reports the
  /// parent's peak when a large process (a test runner, an IDE) started this one; elsewhere
  /// `getrusage`.
  public static func peak() -> Int? {
    var usage = rusage()
    #if os(Linux)
      if let highWater = highWaterMark() { return highWater }
      guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return nil }
      return Int(usage.ru_maxrss) * 1024
    #else
      guard getrusage(RUSAGE_SELF, &usage) == 0 else { return nil }
      return Int(usage.ru_maxrss)
    #endif
  }

  #if os(Linux)
    /// `VmHWM` of `/proc/self/status` in bytes: this process's own peak resident set.
    static func highWaterMark() -> Int? {
      let descriptor = open("/proc/self/status", O_RDONLY)
      guard descriptor >= 0 else { return nil }
      defer { close(descriptor) }
      var buffer = [UInt8](repeating: 0, count: 4096)
      let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      guard count > 0 else { return nil }
      for line in buffer[0..<count].split(separator: UInt8(ascii: "\n")) {
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("VmHWM:") else { continue }
        let digits = text.dropFirst("VmHWM:".count).filter(\.isNumber)
        return Int(digits).map { $0 * 1024 }
      }
      return nil
    }
  #endif
}
