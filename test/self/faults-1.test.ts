import { defineMatrixShard } from './fault-matrix.ts';

defineMatrixShard(0, 4);
