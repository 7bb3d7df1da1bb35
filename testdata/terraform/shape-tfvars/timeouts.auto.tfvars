# Long-running PDF exports: raised from 60 s (INC-2291).
alb_idle_timeout = 120
