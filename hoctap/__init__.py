"""hoctap: the lifelong-learning titles in software."""
