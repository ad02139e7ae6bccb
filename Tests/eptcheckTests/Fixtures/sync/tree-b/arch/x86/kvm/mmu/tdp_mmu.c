// SPDX-License-Identifier: GPL-2.0
/* The same file after a patch: set_one changed, zap_one only re-indented and re-commented. */
#include "tdp_mmu.h"

#define map_one(x) do_not_match(x)

static int set_one(struct kvm *kvm, int x);

static void zap_one(struct kvm *kvm) __must_hold(&kvm->mmu_lock)
{
    // A new comment, and a brace in it: {
    pr_debug("a brace in a string: {\n");
    set_one(kvm,
            0);
}

static int set_one(struct kvm *kvm, int x)
{
	if (x > 1)
		return -EBUSY;
	return 0;
}

#ifdef CONFIG_X86_64
int map_one(struct kvm *kvm,
	    gfn_t gfn)
{
	return set_one(kvm, gfn);
}
#endif
