"""Generation: backends behind one interface, and the seed-to-conversation generator."""
