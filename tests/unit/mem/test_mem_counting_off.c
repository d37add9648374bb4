// SPDX-License-Identifier: Apache-2.0
/* unit.mem.counting_off: test_mem_counting.c with counting switched off */
#define MEM_COUNTING_OFF
#include "test_mem_counting.c"
