import Testing

@testable import KernelSource

/// Finding a function's definition in C text, and only its definition.
@Suite struct CSourceTests {
  static let file = """
    // SPDX-License-Identifier: GPL-2.0
    #define set_spte(x) \\
    	do_not_match(x)
    static int set_spte(u64 *sptep, u64 spte);

    /* set_spte(sptep, spte) { in a comment } */
    static int set_spte(u64 *sptep,
    		    u64 spte)
    {
    	char *s = "}";
    	return 0;
    }

    static void zap(struct kvm *kvm)
    	__must_hold(&kvm->mmu_lock)
    {
    	set_spte(NULL, 0);
    	{ if (a) { b(); } }
    }

    int after = set_spte(NULL, 1);
    """

  @Test func findsTheDefinitionNotThePrototypeMacroOrComment() {
    let definitions = CSource(text: Self.file).definitions(of: "set_spte")
    #expect(definitions.map(\.line) == [7])
    #expect(
      definitions.first?.text == """
        static int set_spte(u64 *sptep,
        		    u64 spte)
        {
        	char *s = "}";
        	return 0;
        }
        """)
  }

  @Test func readsAnnotationsBetweenParametersAndBody() {
    let definitions = CSource(text: Self.file).definitions(of: "zap")
    #expect(definitions.map(\.line) == [14])
    #expect(definitions.first?.text.hasSuffix("{ if (a) { b(); } }\n}") == true)
  }

  @Test(arguments: ["do_not_match", "after", "b", "kvm", "", "set"])
  func callsDeclarationsAndPrefixesAreNoDefinitions(name: String) {
    #expect(CSource(text: Self.file).definitions(of: name).isEmpty)
  }

  @Test func keepsEveryDefinitionUnderConditionals() {
    let text = """
      #ifdef CONFIG_X
      static int f(void) { return 1; }
      #else
      static int f(void) { return 0; }
      #endif
      """
    #expect(CSource(text: text).definitions(of: "f").map(\.line) == [2, 4])
  }

  /// `tdh_do_no_vcpus` in arch/x86/kvm/vmx/tdx.c is a statement-expression macro, not a function.
  static let macroFile = """
    #define TDX_RETRIES 10
    #define tdh_retry (x)
    /* #define tdh_retry(a) in a comment */
    #define tdh_retry(tdh_func, kvm, args...)\t\\
    ({\t\t\t\t\t\t\\
    \tu64 __err = tdh_func(args);\t/* first try */\t\\
    \tif (busy(__err))\t\t\t\\
    \t\t__err = tdh_func(args);\t\t\\
    \t__err;\t\t\t\t\t\\
    })

    static int use(struct kvm *kvm)
    {
    \treturn tdh_retry(tdh_mem_track, kvm, &td);
    }
    """

  @Test func aFunctionLikeMacroIsTheDefinitionWhenNoFunctionHasTheName() {
    let definitions = CSource(text: Self.macroFile).definitions(of: "tdh_retry")
    #expect(definitions.map(\.line) == [4])
    #expect(
      definitions.first?.text == """
        #define tdh_retry(tdh_func, kvm, args...)\t
        ({\t\t\t\t\t\t
        \tu64 __err = tdh_func(args);\t               \t
        \tif (busy(__err))\t\t\t
        \t\t__err = tdh_func(args);\t\t
        \t__err;\t\t\t\t\t
        })
        """)
  }

  @Test func aRewrappedMacroKeepsItsFingerprintAndAChangedOneDoesNot() {
    func fingerprint(_ text: String) -> FunctionFingerprint {
      FunctionFingerprint(definitions: CSource(text: text).definitions(of: "tdh_retry").map(\.text))
    }
    let original = fingerprint(Self.macroFile)
    let rewrapped = fingerprint(
      "#define tdh_retry(tdh_func, kvm, args...) ({ u64 __err = tdh_func(args); \\\n"
        + "  if (busy(__err)) __err = tdh_func(args); __err; })\n")
    let changed = fingerprint(
      "#define tdh_retry(tdh_func, kvm, args...) ({ u64 __err = tdh_func(args); \\\n"
        + "  if (busy(__err)) __err = 0; __err; })\n")
    #expect(rewrapped == original)
    #expect(changed != original)
  }

  @Test(arguments: ["TDX_RETRIES", "use", "tdh_mem_track"])
  func objectLikeMacrosAndCallsAreNoMacroDefinitions(name: String) {
    let definitions = CSource(text: Self.macroFile).definitions(of: name)
    #expect(definitions.map(\.line) == (name == "use" ? [12] : []))
  }

  @Test(arguments: ["static int f(void) {", "/* never closed", "\"never closed", "f(", "#"])
  func truncatedInputFindsNothingAndDoesNotTrap(text: String) {
    #expect(CSource(text: text).definitions(of: "f").isEmpty)
  }
}
