package main

import "github.com/elmabot/elmabot/course"

func countQuestions(c *course.Course) int {
	n := 0
	for _, q := range c.Bank.Quizzes {
		n += len(q.Questions)
	}
	return n
}
