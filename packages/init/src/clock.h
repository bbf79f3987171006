// The one clock of the init: monotonic milliseconds (wall-clock jumps do not move deadlines).
#ifndef LAMEDUCK_CLOCK_H
#define LAMEDUCK_CLOCK_H

long long clock_now_ms(void);

#endif
