// Composition root; filled in by the host work.
return 0;
